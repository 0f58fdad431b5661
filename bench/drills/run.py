"""Run the fault drills, each in a fresh process; results go to docs/reliability.md.

    python bench/drills/run.py                  # all six, one after the other (about 11 minutes)
    python bench/drills/run.py redis_outage     # only the named ones
    python bench/drills/run.py --list

Needs redis-server on the PATH and the shared PostgreSQL on 127.0.0.1:5432 (``DRILL_PG_URL`` to change
it), except ``embedded_default``, which runs ``make run``'s own stack on SQLite; everything else each drill
starts and stops itself. Exit status 1 if any drill failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DRILLS = {
    "redis_outage": "Redis (cache and broker) unreachable for 60 s during sign-ups",
    "worker_kill": "the Celery worker SIGKILLed five times during a 20,000-recipient mailing",
    "db_drop": "PostgreSQL backends terminated again and again during HTTP load",
    "smtp_refusal": "the SMTP server refusing (4xx) for a minute, then rejecting (5xx)",
    "bounce_mailbox": "the bounce mailbox unreachable for 60 s during a mailing whose recipients bounce",
    "embedded_default": "make run's stack (SQLite, filesystem broker) under 60 s of reads and writes",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"drills to run (default: all): {', '.join(DRILLS)}")
    parser.add_argument("--list", action="store_true", help="list the drills and exit")
    args = parser.parse_args()
    if args.list:
        for name, what in DRILLS.items():
            print(f"{name:16} {what}")
        return 0
    unknown = [n for n in args.names if n not in DRILLS]
    if unknown:
        parser.error(f"unknown drill(s): {', '.join(unknown)}; known: {', '.join(DRILLS)}")
    results = {}
    for name in args.names or list(DRILLS):
        print(f"=== {name}: {DRILLS[name]}", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, "-m", f"bench.drills.{name}"], cwd=ROOT)
        results[name] = (code == 0, time.monotonic() - started)
    print("\n=== Summary (details in docs/reliability.md)")
    for name, (passed, seconds) in results.items():
        print(f"{'PASSED' if passed else 'FAILED'}  {name}  ({seconds:.0f} s)")
    return 0 if all(passed for passed, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
