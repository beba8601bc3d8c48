#!/usr/bin/env python3
"""The import benchmark (issue 21): a register export of N rows into a new store.

Writes a Datix-style CSV of N rows (fixed seed; reference, date and time,
category, summary, status, outcome, closed date, handler) in Windows-1252
(as Excel saves it on a UK PC, with pound signs), then times, with peak
memory (max RSS of the child):

  1. `import --dry-run` over the whole file,
  2. `import` into an empty store (every row recorded),
  3. the same `import` again (nothing to add: every row matched by its
     reference).

    python3 bench/import.py                 # 100,000 rows
    python3 bench/import.py --rows 10000 --keep /tmp/imp

Budget on the 2-core machine: each step within 30 s. Build first with
`cargo build --release`. Exits non-zero if an lsms command fails.
"""
import argparse, os, random, resource, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LSMS = os.environ.get("LSMS_BIN") or os.path.join(ROOT, "target", "release", "lsms")
CATS = ["Violence and aggression", "Theft/loss", "Verbal abuse", "Damage to property", "Security issue"]
CAT_MAP = ("Violence and aggression=physical-assault,Theft/loss=theft,Verbal abuse=non-physical-assault,"
           "Damage to property=criminal-damage,Security issue=security-concern")
TEAM = ["jfowlis", "asmith"]


def register(path, rows):
    rnd = random.Random(21)
    with open(path, "w", encoding="cp1252", newline="") as f:
        f.write("Ref,Incident date,Type,Description,Status,Outcome,Closed,Handler\r\n")
        for i in range(rows):
            day, month, year = rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(2008, 2024)
            closed = rnd.random() < 0.8
            # No times from 01:00 to 01:59: on the clock-change Sundays they are
            # ambiguous or missing in Europe/London and import refuses them.
            f.write(",".join([
                f"DX-{i + 1:06d}",
                f"{day:02d}/{month:02d}/{year} {rnd.choice([h for h in range(24) if h != 1]):02d}:{rnd.randint(0, 59):02d}",
                rnd.choice(CATS),
                f"Case {i + 1}: item worth \u00a3{rnd.randint(5, 900)} reported on the ward",
                "Closed" if closed else "Open",
                "No action" if closed else "",
                f"{day:02d}/{month:02d}/{year + 1}" if closed else "",
                rnd.choice(TEAM) if closed else "",
            ]) + "\r\n")


def timed(args, cwd):
    t = time.monotonic()
    p = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if p.returncode != 0:
        sys.exit(f"lsms failed ({p.returncode}): {' '.join(args[:4])}\n{p.stderr[-2000:]}")
    return wall, rss, p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--keep")
    a = ap.parse_args()
    work = a.keep or tempfile.mkdtemp(prefix="lsms-import-")
    os.makedirs(work, exist_ok=True)
    csv = os.path.join(work, "register.csv")
    register(csv, a.rows)
    store = os.path.join(work, "store")
    shutil.rmtree(store, ignore_errors=True)
    subprocess.run([LSMS, "init", store, "--trust", "Bench Trust"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    imp = [LSMS, "--as", "jfowlis", "import", "--csv", csv, "--map",
           "Ref=ref:datix,Incident date=occurred,Type=category,Description=summary,Status=status,"
           "Outcome=outcome,Closed=closed,Handler=assignee",
           "--category-map", CAT_MAP, "--status-map", "Open=reported,Closed=closed",
           "--outcome-map", "No action=no-further-action"]
    print(f"{a.rows} rows, {os.path.getsize(csv) / 2**20:.1f} MiB of Windows-1252 CSV")
    print(f"{'step':<24}{'wall s':>8}{'peak MiB':>10}  last line")
    for name, args in [("import --dry-run", imp + ["--dry-run"]), ("import", imp), ("import again", imp)]:
        wall, rss, last = timed(args, store)
        print(f"{name:<24}{wall:>8.1f}{rss:>10.0f}  {last}")
    if not a.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
