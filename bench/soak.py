#!/usr/bin/env python3
"""The lsms soak test at full size (issue 13).

A bare shared repository and 4 clones; each clone makes --changes random
changes (report, note, assign, update, sanction, loss, close, reopen), in an
interleaved order with `lsms sync` between, from a fixed seed. Every conflict
sync stops at is checked to be genuine (both sides changed that field, to
different values) and resolved with `lsms resolve`, then `lsms sync
--continue`. At the end:

- all clones hold the same files, and `git status` is clean in each;
- `lsms check` is clean in each;
- every history entry made in any clone is present exactly once, and no
  entry is there that nobody made.

    python3 bench/soak.py                    # 4 clones x 50 changes, seed 13
    python3 bench/soak.py --changes 100 --seed 7 --keep /tmp/soak

The test suite runs the same soak at 8 changes per clone
(tests/cli/soak.rs). Exits non-zero on the first broken promise.
"""
import argparse, os, random, shutil, subprocess, sys, tempfile, time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LSMS = os.path.join(ROOT, "target", "release", "lsms")
BASE_ENV = dict(os.environ, NO_COLOR="1", GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
                GIT_AUTHOR_NAME="soak", GIT_AUTHOR_EMAIL="", GIT_COMMITTER_NAME="soak", GIT_COMMITTER_EMAIL="",
                PATH=os.path.dirname(LSMS) + os.pathsep + os.environ.get("PATH", ""))
BASE_ENV.pop("LSMS_STORE", None)
BASE_ENV.pop("LSMS_USER", None)


def fail(msg):
    sys.exit(f"soak FAILED: {msg}")


def git(cwd, *args):
    p = subprocess.run(["git", *args], cwd=cwd, env=BASE_ENV, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"git {' '.join(args)} in {cwd}: {p.stderr}")
    return p.stdout


def history(text):
    lines = text.splitlines()
    return lines[lines.index("history:") + 1:] if "history:" in lines else []


class Soak:
    def __init__(self, top, clones, seed):
        self.top, self.rng, self.minute = top, random.Random(seed), 0
        self.made, self.conflicts, self.fields, self.refused, self.syncs = set(), 0, {}, 0, 0
        self.remote = os.path.join(top, "register.git")
        git(top, "init", "-q", "--bare", self.remote)
        seed_dir = os.path.join(top, "seed")
        self.run_in(None, ["init", seed_dir, "--trust", "Soak NHS Trust", "--git"], who="setup")
        git(seed_dir, "remote", "add", "origin", self.remote)
        git(seed_dir, "push", "-q", "-u", "origin", "HEAD")
        self.clones = []
        for i in range(clones):
            d = os.path.join(top, f"c{i}")
            git(top, "clone", "-q", self.remote, d)
            self.run_in(d, ["init", "--git"], who=f"lsms{i}")
            self.clones.append(d)

    def run_in(self, store, args, who):
        self.minute += 1
        env = dict(BASE_ENV, LSMS_NOW=f"2026-11-25T{12 + self.minute // 60 % 12:02d}:{self.minute % 60:02d}:00Z",
                   LSMS_USER=who)
        if self.minute >= 720:
            # Beyond twelve hours: carry on through the next days.
            day, rest = divmod(self.minute, 720)
            env["LSMS_NOW"] = f"2026-11-{25 + day:02d}T{10 + rest // 60:02d}:{rest % 60:02d}:00Z"
        cmd = [LSMS] + (["-C", store] if store else []) + args
        return subprocess.run(cmd, env=env, capture_output=True, text=True)

    def lsms(self, i, args):
        return self.run_in(self.clones[i], args, who=f"lsms{i}")

    def path(self, i, iid):
        return os.path.join(self.clones[i], "incidents", iid[:4], iid[4:6], iid + ".yaml")

    def read(self, i, iid):
        with open(self.path(i, iid)) as f:
            return f.read()

    def ids(self, i):
        p = self.lsms(i, ["list", "--all", "--format", "ids"])
        if p.returncode != 0:
            fail(f"list in clone {i}: {p.stderr}")
        return p.stdout.split()

    def record(self, i, iid, before):
        for line in history(self.read(i, iid)):
            if line not in before:
                if (iid, line) in self.made:
                    fail(f"an entry was made twice: {line}")
                self.made.add((iid, line))

    def change(self, i):
        ids, k = self.ids(i), self.minute
        if not ids or self.rng.randrange(8) == 0:
            p = self.lsms(i, ["report", "--category", "theft", "--summary", f"Taken {k}"])
            if p.returncode != 0:
                fail(f"report: {p.stderr}")
            self.record(i, p.stdout.strip(), [])
            return
        iid = self.rng.choice(ids) if self.rng.randrange(4) == 0 else self.rng.choice(ids[:3])
        text = self.read(i, iid)
        before = history(text)
        closed = "\nstatus: closed\n" in text
        op = self.rng.choice(["note", "reopen"]) if closed else self.rng.choice(
            ["note", "assign", "summary", "location", "sanction", "loss", "close"])
        say = f"by lsms{i} at {k}"
        args = {
            "note": ["note", iid, f"Note {say}"],
            "assign": ["assign", iid, "--to", f"lsms{self.rng.randrange(len(self.clones))}"],
            "summary": ["update", iid, "--summary", f"Summary {say}"],
            "location": ["update", iid, "--location", f"Ward {self.rng.randrange(5)}"],
            "sanction": ["sanction", iid, "--class", "civil", "--kind", "warning-letter", "--note", say],
            "loss": ["loss", iid, "--estimated", f"{self.rng.randrange(10, 100)}.50"],
            "close": ["close", iid, "--outcome", "no-further-action", "--note", say],
            "reopen": ["reopen", iid, "--reason", say],
        }[op]
        p = self.lsms(i, args)
        if p.returncode == 0:
            self.record(i, iid, before)
        elif p.returncode == 1:
            if history(self.read(i, iid)) != before:
                fail(f"a refused {op} changed the history: {p.stderr}")
            self.refused += 1
        else:
            fail(f"lsms {' '.join(args)} exited {p.returncode}: {p.stderr}")

    def genuine(self, i, iid, fields):
        rel = f"incidents/{iid[:4]}/{iid[4:6]}/{iid}.yaml"
        base, ours, theirs = (yaml.load(git(self.clones[i], "show", f":{n}:{rel}"), Loader=yaml.BaseLoader)
                              for n in (1, 2, 3))
        for f in fields:
            b, o, t = base.get(f), ours.get(f), theirs.get(f)
            if not (o != b and t != b and o != t):
                fail(f"{iid}: conflict on {f}, which both sides did not change differently")

    def resolve(self, i, iid):
        # The conflicted file may not be in lsms's layout; what is already
        # known is every entry made so far.
        before = [line for (j, line) in self.made if j == iid]
        sides = ["ours", "theirs"]
        self.rng.shuffle(sides)
        for side in sides:
            p = self.lsms(i, ["resolve", iid, "--take", side])
            if p.returncode == 0:
                self.record(i, iid, before)
                return
            if "not valid" not in p.stderr:
                fail(f"resolve {iid}: {p.stderr}")
        fail(f"neither side resolves {iid}")

    def sync(self, i):
        self.syncs += 1
        for _ in range(10):
            p = self.lsms(i, ["sync", "-q"])
            if p.returncode == 0:
                if p.stderr:
                    fail(f"sync -q said something: {p.stderr}")
                return
            if "sync stopped at a conflict" not in p.stderr and "still has conflicts" not in p.stderr:
                fail(f"sync in clone {i}: {p.stderr}")
            stopped = []
            for line in p.stderr.splitlines():
                line = line.lstrip(" |")
                if ": both changed " in line:
                    iid, fields = line.split(": both changed ", 1)
                    stopped.append((iid, fields.split(", ")))
            if not stopped:
                fail(f"a conflict that names no incident: {p.stderr}")
            for iid, fields in stopped:
                self.genuine(i, iid, fields)
                self.conflicts += 1
                for f in fields:
                    self.fields[f] = self.fields.get(f, 0) + 1
                self.resolve(i, iid)
            p = self.lsms(i, ["sync", "--continue", "-q"])
            if p.returncode == 0:
                return
        fail(f"sync in clone {i} did not settle")

    def files(self, d):
        out = {}
        for dirpath, dirnames, filenames in os.walk(d):
            dirnames[:] = [x for x in dirnames if x not in (".git", ".lsms")]
            for f in filenames:
                p = os.path.join(dirpath, f)
                with open(p, "rb") as fh:
                    out[os.path.relpath(p, d)] = fh.read()
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clones", type=int, default=4)
    ap.add_argument("--changes", type=int, default=50, help="changes per clone")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--keep", help="work in this folder and keep it")
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    top = a.keep or tempfile.mkdtemp(prefix="lsms-soak-")
    if a.keep and os.path.exists(top):
        shutil.rmtree(top)
    os.makedirs(top, exist_ok=True)
    t0 = time.perf_counter()
    s = Soak(top, a.clones, a.seed)
    left = [a.changes] * a.clones
    while any(left):
        i = s.rng.randrange(a.clones)
        if not left[i]:
            continue
        s.change(i)
        left[i] -= 1
        if s.rng.randrange(2) == 0:
            s.sync(i)
    for _ in range(2):
        for i in range(a.clones):
            s.sync(i)
    first = s.files(s.clones[0])
    for i, d in enumerate(s.clones):
        if s.files(d) != first:
            fail(f"clone {i} does not hold the same files as clone 0")
        if git(d, "status", "--porcelain"):
            fail(f"clone {i} has uncommitted changes")
        git(d, "fsck", "--strict", "--no-dangling")
        p = s.lsms(i, ["check"])
        if p.returncode != 0:
            fail(f"lsms check in clone {i}: {p.stderr}")
    found = set()
    for rel, data in first.items():
        if not rel.startswith("incidents" + os.sep):
            continue
        iid = os.path.basename(rel)[:-5]
        for line in history(data.decode()):
            if (iid, line) in found:
                fail(f"{iid}: an entry is there twice: {line}")
            found.add((iid, line))
    lost, extra = s.made - found, found - s.made
    if lost:
        fail(f"{len(lost)} entries lost, e.g. {sorted(lost)[:3]}")
    if extra:
        fail(f"{len(extra)} entries nobody made, e.g. {sorted(extra)[:3]}")
    incidents = sum(1 for r in first if r.startswith("incidents" + os.sep))
    print(f"soak passed: {a.clones} clones x {a.changes} changes (seed {a.seed}) in {time.perf_counter() - t0:.0f} s: "
          f"{incidents} incidents, {len(s.made)} history entries each present once, {s.syncs} syncs, "
          f"{s.refused} changes refused by a guard, {s.conflicts} conflicts (all genuine) resolved {s.fields}")
    if not a.keep:
        shutil.rmtree(top)


if __name__ == "__main__":
    main()
