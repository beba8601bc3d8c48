#!/usr/bin/env python3
"""Times a sealed store (issue 23) beside grep, with and without a key.

`python3 bench/seal.py [--sizes 10000] [--runs 3] [--lsms PATH]`

Generates the benchmark store of each size (bench/run.py's generator),
seals it to one recipient (`lsms keys new`, `keys add`, `seal`), builds the
cache with `lsms check`, then times, median of --runs runs: `grep -rc
status: incidents/` (the floor), the brief reads without a key (`list
--all`, `summary`, `due`), `list --all` and `person` with the key, and
`report` and `note` with the key on the full store. Beside each brief read,
the same read of the same store generated unsealed, and the CPU seconds
(user+sys: the steadier figure on a shared machine).
"""

import argparse, os, statistics, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as base  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lsms", help="time this lsms binary rather than building target/release/lsms")
    a = ap.parse_args()
    if a.lsms:
        base.LSMS = os.path.abspath(a.lsms)
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=base.ROOT, check=True)
    lsms = base.LSMS
    for n in [int(s) for s in a.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            plain = os.path.join(tmp, "plain")
            base.generate(plain, n)
            store = os.path.join(tmp, "store")
            ident = os.path.join(tmp, "identity.txt")
            open_ids = base.generate(store, n)
            env = dict(base.ENV, XDG_CONFIG_HOME=os.path.join(tmp, "none"))
            env.pop("LSMS_IDENTITY", None)
            keyed = dict(env, LSMS_IDENTITY=ident)
            pub = subprocess.run([lsms, "keys", "new", "--identity", ident], env=env, check=True,
                                 capture_output=True, text=True).stdout.strip()
            subprocess.run([lsms, "keys", "add", "bench", pub], cwd=store, env=env, check=True,
                           capture_output=True)
            base.ENV = env
            t_seal = base.run([lsms, "seal"], store)
            base.run([lsms, "check"], store)
            base.run([lsms, "check"], plain)

            def med(cmd, e=env, where=store):
                base.ENV = e
                times, cpu = [], []
                for _ in range(a.runs):
                    times.append(base.run(cmd, where))
                    cpu.append(base.CPU[0])
                return statistics.median(times) * 1000, statistics.median(cpu)

            rows = []
            g, gc = med(["grep", "-rc", "status:", "incidents/"])
            rows.append(("`grep -rc status: incidents/`", g, 1.0, gc, None))
            for label, cmd, e, unsealed in [
                ("`lsms list --all` (no key)", [lsms, "list", "--all", "--format", "tsv"], env, True),
                ("`lsms summary --by category,month` (no key)", [lsms, "summary", "--by", "category,month"], env, True),
                ("`lsms due` (no key)", [lsms, "due"], env, True),
                ("`lsms list --all` (key)", [lsms, "list", "--all", "--format", "tsv"], keyed, False),
                ("`lsms person smith` (key)", [lsms, "person", "smith", "--format", "tsv"], keyed, False),
            ]:
                ms, cpu = med(cmd, e)
                pm = med(cmd, env, plain)[0] if unsealed else None
                rows.append((label, ms, ms / g, cpu, pm))
            for label, cmd in [
                ("`lsms report` (key)", [lsms, "report", "--category", "theft", "--summary", "Bench laptop taken"]),
                ("`lsms note` (key)", [lsms, "note", open_ids[0], "Bench note"]),
            ]:
                ms, cpu = med(cmd, keyed)
                rows.append((label, ms, None, cpu, None))
            print(f"\n{n} incidents, sealed in {t_seal:.1f} s; median of {a.runs} runs\n")
            print("| command | ms | ÷ grep | cpu s | unsealed store: ms |\n|---|---:|---:|---:|---:|")
            for label, ms, r, cpu, pm in rows:
                ratio = "" if r is None else f"{r:.2f}"
                other = "" if pm is None else f"{pm:.1f}"
                print(f"| {label} | {ms:.1f} | {ratio} | {cpu:.2f} | {other} |")


if __name__ == "__main__":
    main()
