#!/usr/bin/env python3
"""The import benchmark (issue 21): a register export of N rows into a new store.

Writes a Datix-style CSV of N rows (fixed seed; reference, date and time
in columns of their own, category, summary, severity, site, status,
outcome, closed date, handler) in Windows-1252 (as Excel saves it on a UK
PC, with pound signs) and a mapping file for it (every value in the
register's own words, mapped), then times, with peak memory (max RSS of
the child):

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
HARMS = ["No harm", "Low harm", "Moderate harm"]
SITES = ["HOLLINS", "Peasley", "Whiston"]
TEAM = ["jfowlis", "asmith"]
MAP = """columns:
  Ref: ref:datix
  occurred: [Incident date, Incident time]
  Type: category
  Description: summary
  Severity: harm
  Site: site
  Status: status
  Outcome: outcome
  Closed: closed
  Handler: assignee
categories:
  Violence and aggression: physical-assault
  Theft/loss: theft
  Verbal abuse: non-physical-assault
  Damage to property: criminal-damage
  Security issue: security-concern
harms: { No harm: none, Low harm: low, Moderate harm: moderate }
sites: { Hollins: Hollins Park, Peasley: Peasley Cross, Whiston: Whiston Lodge }
statuses: { Open: reported, Closed: closed }
outcomes: { No action: no-further-action }
"""


def register(path, rows):
    rnd = random.Random(21)
    with open(path, "w", encoding="cp1252", newline="") as f:
        f.write("Ref,Incident date,Incident time,Type,Description,Severity,Site,Status,Outcome,Closed,Handler\r\n")
        for i in range(rows):
            day, month, year = rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(2008, 2024)
            closed = rnd.random() < 0.8
            # Any time of day: one in the hour the clocks change is read as the
            # register meant it, and counted.
            f.write(",".join([
                f"DX-{i + 1:06d}",
                f"{day:02d}/{month:02d}/{year}",
                f"{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}",
                rnd.choice(CATS),
                f"Case {i + 1}: item worth \u00a3{rnd.randint(5, 900)} reported on the ward",
                rnd.choice(HARMS),
                rnd.choice(SITES),
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
    with open(os.path.join(store, "lsms.yaml"), "a") as f:
        f.write("sites: [Hollins Park, Peasley Cross, Whiston Lodge]\n")
    mapping = os.path.join(work, "map.yaml")
    with open(mapping, "w") as f:
        f.write(MAP)
    imp = [LSMS, "--as", "jfowlis", "import", "--csv", csv, "--map-file", mapping]
    print(f"{a.rows} rows, {os.path.getsize(csv) / 2**20:.1f} MiB of Windows-1252 CSV")
    print(f"{'step':<24}{'wall s':>8}{'peak MiB':>10}  last line")
    for name, args in [("import --dry-run", imp + ["--dry-run"]), ("import", imp), ("import again", imp)]:
        wall, rss, last = timed(args, store)
        print(f"{name:<24}{wall:>8.1f}{rss:>10.0f}  {last}")
    if not a.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
