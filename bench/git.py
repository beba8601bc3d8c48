#!/usr/bin/env python3
"""The lsms benchmark for a register kept in git (issue 13).

Generates the store of bench/run.py (same seed), makes it a repository with
`lsms init --git` (which commits it), and times, side by side:

- a change committed the way lsms did before (`git add` + `git commit --only`),
  as the reference;
- `lsms --commit note`, `--commit assign`, `--commit report`, and `lsms note`
  without committing;
- `lsms sync` against a bare remote with a second clone: nothing to do; ten
  changed incidents committed and pushed; the other clone pulling them; and
  both clones changing one incident, merged through the driver.

    python3 bench/git.py                      # 100,000 incidents
    python3 bench/git.py --size 10000 --runs 9

Budget (issue 13): a change with commit under 100 ms at 100,000 incidents;
sync in seconds. It exits non-zero if a command fails or leaves the work
tree unclean.
"""
import argparse, os, resource, shutil, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as base  # noqa: E402  (the generator and the release build)

ENV = dict(os.environ, LSMS_NOW="2026-11-25T12:00:00Z", LSMS_USER="bench", NO_COLOR="1",
           GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
           PATH=os.path.dirname(base.LSMS) + os.pathsep + os.environ.get("PATH", ""))


CPU = []  # CPU seconds (user + system) of each run, with the gits it waited for


def sh(cmd, cwd, env=ENV, check=True):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if check and p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)} in {cwd}\n{p.stdout.decode()}{p.stderr.decode()}")
    return dt, p.stdout.decode()


def clean(cwd):
    _, out = sh(["git", "status", "--porcelain"], cwd)
    if out:
        sys.exit(f"work tree not clean in {cwd}:\n{out[:2000]}")


def median_ms(times):
    return statistics.median(times) * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--keep", help="work in this folder and keep it")
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=base.ROOT, check=True)
    top = a.keep or tempfile.mkdtemp(prefix=f"lsms-git-bench-{a.size}-")
    if a.keep and os.path.exists(top):
        shutil.rmtree(top)
    os.makedirs(top, exist_ok=True)
    store = os.path.join(top, "a")
    lsms = base.LSMS
    print(f"lsms git benchmark on {os.cpu_count()} cores, {a.size:,} incidents in {top}")
    open_ids = base.generate(store, a.size)
    dt, _ = sh([lsms, "init", "--git"], store)
    print(f"`lsms init --git` over the generated store (hashes and commits every file): {dt:.1f} s")
    # A machine set up for git has an identity of its own (the committer).
    sh(["git", "config", "user.name", "Bench PC"], store)
    sh(["git", "config", "user.email", "bench-pc@trust.example"], store)
    clean(store)
    rows = []

    # The reference: what `--commit` cost before, git's porcelain over the whole index.
    ref, ref_cpu = [], []
    for i in range(3):
        iid = open_ids[i]
        sh([lsms, "note", iid, f"reference {i}"], store)
        rel = f"incidents/{iid[:4]}/{iid[4:6]}/{iid}.yaml"
        env = dict(ENV, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="", GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="")
        t0 = time.perf_counter()
        sh(["git", "add", "--", rel], store, env)
        sh(["git", "commit", "--quiet", "--no-verify", "-m", f"{iid}: note", "--only", "--", rel], store, env)
        ref.append(time.perf_counter() - t0)
        ref_cpu.append(CPU[-1] + CPU[-2])
    rows.append(("git add + git commit --only (before)", median_ms(ref), median_ms(ref_cpu)))

    def timed(name, make_cmd):
        ts, cpu = [], []
        for i in range(a.runs):
            ts.append(sh(make_cmd(i), store)[0])
            cpu.append(CPU[-1])
        rows.append((name, median_ms(ts), median_ms(cpu)))

    some = open_ids[len(open_ids) // 3: len(open_ids) // 3 + a.runs]
    timed("lsms note (no commit)", lambda i: [lsms, "note", some[i], f"plain {i}"])
    sh(["git", "commit", "-qam", "bench: notes without commit"], store,
       dict(ENV, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="", GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL=""))
    timed("lsms --commit note", lambda i: [lsms, "--commit", "note", some[i], f"committed {i}"])
    timed("lsms --commit assign", lambda i: [lsms, "--commit", "assign", some[i], "--to", ["asmith", "rpatel"][i % 2]])
    timed("lsms --commit report", lambda i: [lsms, "--commit", "report", "--category", "theft", "--summary", f"Bench {i}"])
    clean(store)

    # A shared bare repository and a second clone.
    remote = os.path.join(top, "register.git")
    sh(["git", "clone", "--quiet", "--bare", store, remote], top)
    sh(["git", "remote", "add", "origin", remote], store)
    sh(["git", "fetch", "--quiet", "origin"], store)
    _, branch = sh(["git", "symbolic-ref", "--short", "HEAD"], store)
    sh(["git", "branch", "--quiet", "--set-upstream-to", f"origin/{branch.strip()}"], store)
    other = os.path.join(top, "b")
    dt, _ = sh(["git", "clone", "--quiet", remote, other], top)
    print(f"`git clone` of the shared repository: {dt:.1f} s")
    sh([lsms, "init", "--git"], other)
    syncs = []
    dt, _ = sh([lsms, "sync"], store)
    syncs.append(("lsms sync: nothing to do", dt))
    for iid in open_ids[-10:]:
        sh([lsms, "note", iid, "Changed before a sync"], store)
    dt, _ = sh([lsms, "sync"], store)
    syncs.append(("lsms sync: commit 10 changed incidents, push", dt))
    dt, _ = sh([lsms, "sync"], other)
    syncs.append(("lsms sync: pull them in the other clone", dt))
    shared = open_ids[-20]
    sh([lsms, "note", shared, "From clone A"], store, dict(ENV, LSMS_NOW="2026-11-25T12:01:00Z"))
    sh([lsms, "note", shared, "From clone B"], other, dict(ENV, LSMS_NOW="2026-11-25T12:02:00Z", LSMS_USER="other"))
    sh([lsms, "sync"], store)
    dt, _ = sh([lsms, "sync"], other)
    syncs.append(("lsms sync: both changed one incident, merge + push", dt))
    sh([lsms, "sync"], store)
    for d in (store, other):
        clean(d)
    _, mine = sh(["git", "rev-parse", "HEAD"], store)
    _, theirs = sh(["git", "rev-parse", "HEAD"], other)
    if mine != theirs:
        sys.exit("the clones did not end at the same commit")

    load = os.getloadavg()
    print(f"\nload average during the run: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    print(f"\n{'command':52} {'median ms':>10} {'CPU ms':>8}")
    for name, m, c in rows:
        print(f"{name:52} {m:10.1f} {c:8.1f}  {'ok' if m < 100 or 'before' in name else 'OVER'}")
    print(f"\n{'sync (one run each)':52} {'s':>10}")
    for name, s in syncs:
        print(f"{name:52} {s:10.2f}")
    if not a.keep:
        # git may still be packing a clone in the background (gc --auto).
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
