#!/usr/bin/env python3
"""The lsms performance benchmark (design section 5, issue 6).

Generates a realistic store of N incidents with a fixed seed, then times,
side by side in one run, the read commands against `grep -rc status:` over
the same tree, and report/assign/show on the full store; prints each read
command's time as a ratio to grep's, and each command's peak memory.

    python3 bench/run.py                       # 10,000 and 100,000 incidents
    python3 bench/run.py --sizes 20000 --runs 5 --keep /tmp/store
    python3 bench/run.py --sizes 20000 --only-hand   # the hand-edited store only

Then, on a second store of the same size whose files are all not in
lsms's own form (hand edits: keys of one's own, other quoting, keys in
another order, comment lines), a warm `check` beside grep, and a cold one.

Budgets at 100,000 on the 2-core machine, warm file cache: read commands at
or under grep (ratio <= 1.0) with lsms's cache in place, and at most twice
grep (ratio <= 2.0) when every file is parsed (`--no-cache`, or the first
read that builds the cache); report, assign, show under 20 ms; peak memory
under 64 MiB. The cpu column is user+sys seconds, steadier than wall time
on a shared machine. It exits non-zero only if an lsms command fails.
"""
import argparse, os, random, resource, shutil, statistics, subprocess, sys, tempfile, time, uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LSMS = os.path.join(ROOT, "target", "release", "lsms")
LON = ZoneInfo("Europe/London")
ALPHA = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SITES = ["Hollins Park", "Peasley Cross", "Whiston Lodge", "Newton Road", "St Helens Hub"]
TEAM = ["jfowlis", "asmith", "rpatel", "kdunn"]
CATS = ["physical-assault", "non-physical-assault", "harassment", "theft", "criminal-damage",
        "antisocial-behaviour", "security-concern"]
OUTCOMES = ["sanction-applied", "no-further-action", "unsubstantiated", "referred", "duplicate", "withdrawn"]
SUMMARIES = {
    "physical-assault": ["Patient struck a nurse during observations", "Visitor pushed a receptionist"],
    "non-physical-assault": ["Relative shouted threats at ward staff", "Abusive phone call to the switchboard"],
    "harassment": ["Repeated unwanted calls to a staff member", "Former patient waiting outside after shifts"],
    "theft": ["Laptop taken from an office", "Controlled drugs missing at stock check", "Purse taken from a locker"],
    "criminal-damage": ["Window smashed in the car park office", "Graffiti on the main entrance"],
    "antisocial-behaviour": ["Group drinking near the entrance", "Smoking and litter in the staff garden"],
    "security-concern": ["Keypad door left wedged open", "Badge reader not working on the stairwell"],
}
NOTES = ["Statement taken from the witness", "CCTV requested from estates", "Spoke to the ward manager",
         "Police attended and took details", "Letter sent to the person concerned"]


def stamp(t):
    return t.astimezone(LON).isoformat(timespec="seconds")


def v7(t, rnd):
    ms = int(t.timestamp() * 1000)
    b = ms.to_bytes(6, "big") + rnd.getrandbits(80).to_bytes(10, "big")
    b = bytearray(b)
    b[6] = 0x70 | (b[6] & 0x0F)
    b[8] = 0x80 | (b[8] & 0x3F)
    return str(uuid.UUID(bytes=bytes(b)))


def record(rnd, ids, now):
    recorded = datetime(2011, 1, 1, tzinfo=timezone.utc) + timedelta(
        seconds=rnd.randrange(int((now - datetime(2011, 1, 1, tzinfo=timezone.utc)).total_seconds()) - 86400 * 30))
    reported = recorded - timedelta(minutes=rnd.randrange(5, 600))
    occurred = reported - timedelta(minutes=rnd.randrange(0, 3000))
    while True:
        iid = recorded.astimezone(LON).strftime("%Y%m%d") + "-" + "".join(rnd.choice(ALPHA) for _ in range(4))
        if iid not in ids:
            ids.add(iid)
            break
    cat = rnd.choice(CATS)
    old = recorded < now - timedelta(days=120)
    status = "closed" if (old and rnd.random() < 0.9) else rnd.choice(["reported", "assigned", "investigating", "awaiting-external", "closed"])
    if status == "closed" and cat == "physical-assault" and rnd.random() < 0.2:
        cat = "theft"
    harm = rnd.choice(["none", "low", "moderate"]) if cat == "physical-assault" else None
    who = rnd.choice(TEAM)
    assignee = None if status == "reported" else rnd.choice(TEAM)
    L = [
        "schema: 1", f"id: {iid}", f"uuid: {v7(recorded, rnd)}", f"status: {status}", f"category: {cat}",
        f"summary: {rnd.choice(SUMMARIES[cat])}", f"occurred_at: {stamp(occurred)}", f"reported_at: {stamp(reported)}",
        f"recorded_at: {stamp(recorded)}", f"recorded_by: {who}",
        f"reporter: {{ party: {rnd.choice(['staff', 'patient', 'visitor', 'public', 'anonymous'])} }}",
        f"site: {rnd.choice(SITES)}", f"location: Ward {rnd.randint(1, 12)}",
    ]
    if rnd.random() < 0.5:
        L += ["description: |", "  What happened, in the reporter's words, as given to the LSMS.",
              "  The reporter was spoken to the next day."]
    if cat in ("physical-assault", "non-physical-assault", "harassment"):
        L += ["assets: [people]", "people:", "  - { role: victim, party: staff }",
              f"  - {{ role: alleged-offender, party: {rnd.choice(['patient', 'visitor', 'public'])} }}"]
    elif cat == "theft":
        L += [f"assets: [{rnd.choice(['property', 'drugs', 'prescription-forms'])}]"]
    if harm:
        L.append(f"harm: {harm}")
    closed_assault = status == "closed" and cat == "physical-assault"
    if closed_assault:
        L.append(f'medical_factors: "{rnd.choice(["yes", "no"])}"')
    # police before riddor: the order lsms writes, so every file is in its form
    if rnd.random() < 0.2:
        L.append(f"police: {{ informed: true, crime_ref: MP/{recorded.year % 100:02d}/{rnd.randint(1, 9999999):07d} }}")
    if closed_assault:
        L.append("riddor: { status: not-reportable }")
    if cat in ("theft", "criminal-damage"):
        est = rnd.randint(5, 2000)
        L.append(f'losses: {{ estimated: "{est}.00", recovered: "{rnd.randint(0, est)}.00" }}')
    if assignee:
        L.append(f"assignee: {assignee}")
    if status == "closed" and rnd.random() < 0.25:
        d = (recorded + timedelta(days=10)).date()
        L += ["sanctions:", f"  - {{ class: {rnd.choice(['procedural', 'civil', 'criminal'])}, kind: warning-letter, date: {d} }}"]
    closed = recorded + timedelta(days=rnd.randint(1, 90))
    if status == "closed":
        L += [f"outcome: {rnd.choice(OUTCOMES)}", f"closed_at: {stamp(closed)}", "closure_note: Case closed by the LSMS."]
    L.append("history:")
    t = recorded
    L.append(f"  - {{ at: {stamp(t)}, by: {who}, action: reported }}")
    if assignee:
        t += timedelta(hours=2)
        L.append(f"  - {{ at: {stamp(t)}, by: {who}, action: assigned, field: assignee, to: {assignee} }}")
        L.append(f"  - {{ at: {stamp(t)}, by: {who}, action: updated, field: status, from: reported, to: assigned }}")
    for _ in range(rnd.randint(0, 10) if assignee else 0):
        t += timedelta(hours=rnd.randint(1, 48))
        L.append(f"  - {{ at: {stamp(t)}, by: {assignee}, action: note, detail: {rnd.choice(NOTES)} }}")
    if status == "closed":
        L.append(f"  - {{ at: {stamp(max(closed, t))}, by: {assignee or who}, action: closed, field: status, from: investigating, to: closed }}")
    return iid, status, "\n".join(L) + "\n"


def by_hand(rnd, text):
    """The record as a person or another tool might have written it: not in
    lsms's own form, but read as the same incident. Each file has site and
    location the other way round and a key of its own; a third have the
    summary in double quotes, and a tenth a comment line (which `check`
    warns of)."""
    L = text.split("\n")
    i = next(i for i, l in enumerate(L) if l.startswith("location: "))
    L.insert(i + 1, f"ward_code: W{rnd.randint(1, 40)}")
    L[i - 1], L[i] = L[i], L[i - 1]
    if rnd.random() < 1 / 3:
        j = next(j for j, l in enumerate(L) if l.startswith("summary: "))
        L[j] = 'summary: "' + L[j][len("summary: "):] + '"'
    if rnd.random() < 0.1:
        j = next(j for j, l in enumerate(L) if l.startswith("summary"))
        L.insert(j, "# checked with the ward manager")
    return "\n".join(L)


def generate(store, n, seed=1, hand=False):
    rnd = random.Random(seed)
    now = datetime(2026, 11, 20, tzinfo=timezone.utc)
    os.makedirs(os.path.join(store, "incidents"), exist_ok=True)
    with open(os.path.join(store, "lsms.yaml"), "w") as f:
        f.write(f"trust: Benchmark NHS Trust\ntimezone: Europe/London\nsites: [{', '.join(SITES)}]\nteam: [{', '.join(TEAM)}]\n")
    with open(os.path.join(store, ".gitignore"), "w") as f:
        f.write(".lsms/\n")
    ids, made, open_ids = set(), set(), []
    for _ in range(n):
        iid, status, text = record(rnd, ids, now)
        if hand:
            text = by_hand(rnd, text)
        if status != "closed":
            open_ids.append(iid)
        d = os.path.join(store, "incidents", iid[:4], iid[4:6])
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        with open(os.path.join(d, iid + ".yaml"), "w") as f:
            f.write(text)
    return sorted(open_ids)


ENV = dict(os.environ, LSMS_NOW="2026-11-25T12:00:00Z", LSMS_USER="bench", NO_COLOR="1")


CPU = []  # user+sys seconds of the last run (the machine may be shared: wall time is noisy)


def run(cmd, store, before=None):
    if before:
        before()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=store, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[:] = [(r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)]
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr.decode()}")
    return dt


def peak_mib(cmd, store):
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=store, env=ENV,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        return int(p.stderr.decode().strip().splitlines()[-1]) / 1024
    except (ValueError, IndexError):
        return float("nan")


def bench(n, runs, keep):
    store = keep or tempfile.mkdtemp(prefix=f"lsms-bench-{n}-")
    if keep and os.path.exists(store):
        shutil.rmtree(store)
    t = time.perf_counter()
    open_ids = generate(store, n)
    print(f"\n{n:,} incidents in {store}: generated in {time.perf_counter() - t:.1f} s")
    time.sleep(2.5)  # files younger than the cache's racy margin would not be cached
    t = time.perf_counter()
    run([LSMS, "check"], store)
    print(f"first `lsms check` (reads every file, builds .lsms/cache): {time.perf_counter() - t:.2f} s")
    run([LSMS, "fmt", "--check"], store)  # every generated file is in lsms's own form
    grep = ["grep", "-rc", "status:", "incidents/"]
    run(grep, store)
    reads = [
        ["list", "--all", "--format", "tsv"], ["list", "--open", "--category", "theft"], ["export", "--format", "csv"],
        ["summary", "--by", "category,month"], ["check"],
    ]
    rows, g, gcpu = [], [], []
    for _ in range(runs):
        g.append(run(grep, store))
        gcpu.append(CPU[0])
    gmed = statistics.median(g)
    rows.append(("grep -rc status: incidents/", gmed, 1.0, float("nan"), "", statistics.median(gcpu)))
    drop_cache = lambda: shutil.rmtree(os.path.join(store, ".lsms", "cache"), ignore_errors=True)
    # Warm reads (the cache in place) within grep's time; cold reads (every
    # file parsed: --no-cache, or the first read that builds the cache)
    # within twice grep's.
    timed = [(r, None, 1.0) for r in reads] + [
        (["--no-cache", "list", "--all", "--format", "tsv"], None, 2.0),
        (["--no-cache", "check"], None, 2.0),
        (["list", "--all", "--format", "tsv"], drop_cache, 2.0),
    ]
    for r, before, budget in timed:
        times, cpus = [], []
        for _ in range(runs):
            times.append(run([LSMS] + r, store, before))
            cpus.append(CPU[0])
        m = statistics.median(times)
        if before:
            before()
        mem = peak_mib([LSMS] + r, store)
        ok = m <= budget * gmed and mem < 64
        name = "lsms " + " ".join(r) + (" (building the cache)" if before else "")
        rows.append((name, m, m / gmed, mem, ("ok" if ok else "OVER") + f" (≤ {budget:g}×)", statistics.median(cpus)))
    some = open_ids[len(open_ids) // 2]
    writes = [
        (["report", "--category", "theft", "--summary", "Bench report"], None),
        (["assign", some, "--to", "asmith"], ["assign", some, "--to", "rpatel"]),
        (["show", some], None),
    ]
    for cmd, alt in writes:
        times = []
        for i in range(max(runs, 5)):
            c = alt if (alt and i % 2) else cmd
            times.append(run([LSMS] + c, store))
        m = statistics.median(times)
        mem = peak_mib([LSMS] + cmd, store)
        rows.append(("lsms " + " ".join(cmd[:1] + ["…"]), m, float("nan"), mem,
                     "ok" if m < 0.020 and mem < 64 else "OVER", float("nan")))
    print(f"{'command':58} {'median ms':>10} {'÷ grep':>7} {'cpu s':>6} {'peak MiB':>9}  budget")
    for name, m, ratio, mem, verdict, cpu in rows:
        r = "" if ratio != ratio else f"{ratio:.2f}"
        mm = "" if mem != mem else f"{mem:.1f}"
        c = "" if cpu != cpu else f"{cpu:.2f}"
        print(f"{name:58} {m * 1000:10.1f} {r:>7} {c:>6} {mm:>9}  {verdict}")
    if not keep:
        shutil.rmtree(store)
    hand_edited(n, runs, keep)


def hand_edited(n, runs, keep):
    """A warm `check` on a store whose files are all not in lsms's own form
    (`by_hand`), beside grep over the same tree."""
    store = (keep.rstrip("/") + "-by-hand") if keep else tempfile.mkdtemp(prefix=f"lsms-bench-hand-{n}-")
    if keep and os.path.exists(store):
        shutil.rmtree(store)
    generate(store, n, hand=True)
    time.sleep(2.5)
    p = subprocess.run([LSMS, "check"], cwd=store, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit(f"failed: lsms check on the hand-edited store\n{p.stderr.decode()[-2000:]}")
    said = [l for l in p.stderr.decode().splitlines() if "warning(s) above" in l]
    warned = int(said[-1].split("; ")[1].split()[0]) if said else 0
    print(f"\n{n:,} incidents not in lsms's form in {store} (`check` gives {warned:,} warnings):")
    grep = ["grep", "-rc", "status:", "incidents/"]
    run(grep, store)
    rows = []
    for name, cmd, budget in [("grep -rc status: incidents/", grep, None), ("lsms check", [LSMS, "check"], 1.0),
                              ("lsms --no-cache check", [LSMS, "--no-cache", "check"], 2.0)]:
        times, cpus = [], []
        for _ in range(runs):
            times.append(run(cmd, store))
            cpus.append(CPU[0])
        rows.append((name, statistics.median(times), statistics.median(cpus), budget,
                     float("nan") if budget is None else peak_mib(cmd, store)))
    gmed = rows[0][1]
    print(f"{'command (hand-edited store)':58} {'median ms':>10} {'÷ grep':>7} {'cpu s':>6} {'peak MiB':>9}  budget")
    for name, m, cpu, budget, mem in rows:
        verdict = "" if budget is None else ("ok" if m <= budget * gmed and mem < 64 else "OVER") + f" (≤ {budget:g}×)"
        mm = "" if mem != mem else f"{mem:.1f}"
        print(f"{name:58} {m * 1000:10.1f} {m / gmed:7.2f} {cpu:6.2f} {mm:>9}  {verdict}")
    if not keep:
        shutil.rmtree(store)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only-hand", action="store_true", help="only the hand-edited store's rows")
    ap.add_argument("--keep", help="generate the store here and keep it (one size only); the hand-edited "
                    "store goes beside it, in DIR-by-hand")
    ap.add_argument("--lsms", help="time this lsms binary rather than building target/release/lsms")
    a = ap.parse_args()
    global LSMS
    if a.lsms:
        LSMS = os.path.abspath(a.lsms)
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    print(f"lsms benchmark on {os.cpu_count()} cores")
    for n in [int(s) for s in a.sizes.split(",")]:
        if a.only_hand:
            hand_edited(n, a.runs, a.keep)
        else:
            bench(n, a.runs, a.keep)


if __name__ == "__main__":
    main()
