#!/usr/bin/env python3
"""The intake benchmark (issue 25): reports by email at the size mailboxes are.

Builds Maildirs with Python's `email` package (fixed seed), then times
`lsms -q intake --maildir`, with peak memory (max RSS of the child):

  1. 1,000 and then 10,000 messages, each with a text part, an HTML part
     and a 20 KiB photo attached, into an empty store each time (memory
     flat: the peak at 10,000 about the peak at 1,000);
  2. the same 10,000 again (nothing new: each is taken before);
  3. one message with a 50 MB attachment;
  4. one message over `max_attachment_mb` (refused into failed/).

    python3 bench/intake.py                  # 10,000 messages
    python3 bench/intake.py --messages 2000 --keep /tmp/intake

Budgets on the 2-core machine: 10,000 messages within 60 s; the 50 MB
attachment with peak memory under 256 MiB. Build first with
`cargo build --release`. Exits non-zero if a budget or a command fails.
"""
import argparse, email.message, email.utils, os, random, resource, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LSMS = os.environ.get("LSMS_BIN") or os.path.join(ROOT, "target", "release", "lsms")
WORDS = "visitor shouted punched door propped open bag stolen car park ward reception night shift".split()


def maildir(path):
    for sub in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    return path


def message(rnd, i, attachment):
    m = email.message.EmailMessage()
    m["From"] = email.utils.formataddr((f"Staff Member {i}", f"staff{i}@nhs.net"))
    m["To"] = "lsms@trust.nhs.uk"
    m["Subject"] = "Re: " + " ".join(rnd.choice(WORDS) for _ in range(6))
    m["Date"] = email.utils.format_datetime(email.utils.localtime().replace(year=2026, month=rnd.randint(1, 10)))
    m["Message-ID"] = f"<bench-{i}@nhs.net>"
    text = " ".join(rnd.choice(WORDS) for _ in range(80))
    m.set_content(text)
    m.add_alternative(f"<p>{text}</p>", subtype="html")
    m.add_attachment(attachment, maintype="image", subtype="jpeg", filename=f"photo-{i}.jpg")
    return bytes(m)


def fill(path, n, seed=25):
    rnd = random.Random(seed)
    photo = bytes(rnd.getrandbits(8) for _ in range(20 * 1024))
    for i in range(n):
        with open(os.path.join(path, "new", f"{1764000000 + i}.M{i}P1.bench"), "wb") as f:
            f.write(message(rnd, i, photo))


def store(base, name, extra=""):
    s = os.path.join(base, name)
    subprocess.run([LSMS, "init", s, "--trust", "Bench Trust"], check=True, capture_output=True)
    if extra:
        with open(os.path.join(s, "lsms.yaml"), "a") as f:
            f.write(extra)
    return s


def timed(args, expect=0):
    """Runs lsms in a child of its own; wall seconds and its peak RSS in MiB."""
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        env = dict(os.environ, LSMS_USER="intake")
        os.execve(LSMS, [LSMS] + args, env)
    _, status, usage = os.wait4(pid, 0)
    secs = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code != expect:
        sys.exit(f"`lsms {' '.join(args)}` exited {code}, expected {expect}")
    return secs, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--keep", help="build in this folder and keep it")
    a = ap.parse_args()
    if not os.path.exists(LSMS):
        sys.exit(f"{LSMS} not found: cargo build --release first")
    base = a.keep or tempfile.mkdtemp(prefix="lsms-intake-")
    os.makedirs(base, exist_ok=True)
    rows, ok = [], True
    try:
        for n in sorted({min(1000, a.messages), a.messages}):
            md = maildir(os.path.join(base, f"Maildir-{n}"))
            t = time.perf_counter()
            fill(md, n)
            made = time.perf_counter() - t
            s = store(base, f"store-{n}")
            secs, mib = timed(["-q", "-C", s, "intake", "--maildir", md])
            taken = len(os.listdir(os.path.join(md, "cur")))
            if taken != n:
                sys.exit(f"{taken} of {n} messages taken")
            budget = n < 10000 or secs <= 60
            ok &= budget
            rows.append((f"intake of {n:,} messages (20 KiB photo each; made in {made:.1f} s)", secs, mib,
                         "ok (≤ 60 s)" if budget else "OVER (60 s)"))
            if n == a.messages:
                # Taken before: moved back to new/, as after a run killed before its moves.
                for name in os.listdir(os.path.join(md, "cur")):
                    os.rename(os.path.join(md, "cur", name), os.path.join(md, "new", name.split(":2,")[0]))
                secs, mib = timed(["-q", "-C", s, "intake", "--maildir", md])
                rows.append((f"the same {n:,} again (each taken before)", secs, mib, ""))
        big = maildir(os.path.join(base, "Maildir-big"))
        rnd = random.Random(50)
        with open(os.path.join(big, "new", "big"), "wb") as f:
            f.write(message(rnd, 0, os.urandom(50 * 1000 * 1000)))
        s = store(base, "store-big")
        secs, mib = timed(["-q", "-C", s, "intake", "--maildir", big])
        budget = mib < 256
        ok &= budget
        rows.append(("one message with a 50 MB attachment", secs, mib, "ok (< 256 MiB)" if budget else "OVER (256 MiB)"))
        over = maildir(os.path.join(base, "Maildir-over"))
        with open(os.path.join(over, "new", "over"), "wb") as f:
            f.write(message(rnd, 1, os.urandom(12 * 1000 * 1000)))
        s = store(base, "store-over", "intake:\n  max_attachment_mb: 10\n")
        secs, mib = timed(["-q", "-C", s, "intake", "--maildir", over], expect=1)
        refused = os.path.exists(os.path.join(over, "failed", "over.reason"))
        ok &= refused
        rows.append(("a 12 MB attachment over max_attachment_mb: 10 (to failed/)", secs, mib,
                     "ok (refused)" if refused else "NOT REFUSED"))
    finally:
        if not a.keep:
            shutil.rmtree(base, ignore_errors=True)
    print("| run | s | peak MiB | budget |")
    print("|---|---:|---:|---|")
    for what, secs, mib, verdict in rows:
        print(f"| {what} | {secs:.2f} | {mib:.1f} | {verdict} |")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
