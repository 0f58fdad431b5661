"""Drill: PostgreSQL connections dropped (pg_terminate_backend) again and again during HTTP load.

Eight visitors load the public pages (home, events, an event, press, a press release, the member
directory, the newsletter form) through gunicorn with the page cache off (so every request needs the
database), whose Django keeps its connections (``CONN_MAX_AGE=60``
as in production). For 30 s the drill terminates every backend of the drill database twice a second;
then it stops and the load goes on for 15 s.

Pass: every failed request got the portal's own 500 page (no gunicorn error page, no dropped or hung
connection), every request after the last termination succeeded, and no gunicorn worker was restarted.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.drills.stack import Stack, log, machine, percentile, report, table

NAME = "db_drop"
TITLE = "PostgreSQL connections dropped during load"
VISITORS = 8
BEFORE_SECONDS = 5
CHAOS_SECONDS = 30
AFTER_SECONDS = 15
TERMINATE_EVERY = 0.5
OWN_500_MARKER = '<p class="display-1 fw-bold text-body-secondary" aria-hidden="true">500</p>'


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _paths() -> list[str]:
    from django.urls import reverse

    from events.selectors import events_upcoming
    from news.models import NewsItem

    paths = ["/", reverse("events:list"), reverse("news:list"), reverse("members:directory"),
             reverse("newsletter:subscribe")]  # fmt: skip
    event = next(iter(events_upcoming(limit=1)), None)
    item = NewsItem.objects.visible().first()
    paths += [p.get_absolute_url() for p in (event, item) if p is not None]
    return paths


def run() -> bool:
    import requests

    # The page cache off: with it, anonymous pages are answered from Redis and never reach the database
    # (a run with it on had 42,073 requests and not one failure), so nothing here would be tested.
    with Stack(NAME, PAGE_CACHE_SECONDS="0") as stack:
        paths = _paths()
        web_pid = stack.portal.web.proc.pid
        workers_before = _children(web_pid)
        results: list[tuple[float, str, str, float]] = []  # (time, path, verdict, seconds)
        lock = threading.Lock()
        stop = threading.Event()

        def visitor(index: int) -> None:
            session = requests.Session()
            n = index
            while not stop.is_set():
                path = paths[n % len(paths)]
                n += 1
                started = time.time()
                try:
                    response = session.get(stack.url + path, timeout=15)
                except requests.Timeout:
                    verdict = "hung"
                except requests.RequestException as exc:
                    verdict = f"connection error: {type(exc).__name__}"
                else:
                    if response.status_code == 200:
                        verdict = "ok"
                    elif response.status_code == 500 and OWN_500_MARKER in response.text:
                        verdict = "own 500 page"
                    else:
                        page = "(gunicorn page)" if "Internal Server Error" in response.text else ""
                        verdict = f"{response.status_code} {page}".strip()
                with lock:
                    results.append((started, path, verdict, time.time() - started))

        threads = [threading.Thread(target=visitor, args=(i,), daemon=True) for i in range(VISITORS)]
        for thread in threads:
            thread.start()
        log(f"{VISITORS} visitors on {len(paths)} pages; {BEFORE_SECONDS} s undisturbed")
        time.sleep(BEFORE_SECONDS)
        log(f"terminating the database's backends every {TERMINATE_EVERY} s for {CHAOS_SECONDS} s")
        chaos_start = time.time()
        terminated = rounds = 0
        while time.time() - chaos_start < CHAOS_SECONDS:
            terminated += stack.db.terminate_backends()
            rounds += 1
            time.sleep(TERMINATE_EVERY)
        last_termination = time.time()
        log(f"{terminated} backends terminated in {rounds} rounds; load goes on for {AFTER_SECONDS} s")
        time.sleep(AFTER_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(30)
        workers_after = _children(web_pid)
        web_alive = stack.portal.web.alive

    during = [r for r in results if chaos_start <= r[0] < last_termination + 0.2]
    after = [r for r in results if r[0] >= last_termination + 0.2]
    verdicts = Counter(r[2] for r in results)
    failed = [r for r in results if r[2] != "ok"]
    unclean = [r for r in failed if r[2] != "own 500 page"]
    after_failed = [r for r in after if r[2] != "ok"]
    restarted = workers_before != workers_after or not web_alive
    passed = not unclean and not after_failed and not restarted and bool(after)
    figures = {
        "requests": len(results),
        "during the terminations": len(during),
        "after the last termination": len(after),
        "verdicts": dict(verdicts),
        "failed with the portal's 500 page": len(failed) - len(unclean),
        "failed otherwise": len(unclean),
        "failed after the last termination": len(after_failed),
        "backends terminated": terminated,
        "termination rounds": rounds,
        "gunicorn workers restarted": restarted,
    }
    for key, value in figures.items():
        log(f"  {key}: {value}")
    seconds = [r[3] for r in results]
    timings = [percentile(seconds, 50), percentile(seconds, 99), max(seconds, default=0)]
    figure_table = table(
        [
            ("requests", f"{len(results)} ({len(during)} during the terminations, {len(after)} after)"),
            ("succeeded", verdicts.get("ok", 0)),
            ("failed with the portal's own 500 page", len(failed) - len(unclean)),
            ("failed otherwise (gunicorn error page, dropped or hung connection)", len(unclean)),
            ("failed after the last termination", len(after_failed)),
            ("gunicorn workers restarted", f"{'yes' if restarted else 'no'} (same worker processes before and after)"),
            ("response time p50 / p99 / max", " / ".join(f"{t * 1000:.0f}" for t in timings) + " ms"),
        ]
    )
    body = f"""
**{"Passed" if passed else "FAILED"}** — {machine()}.

Command: `python bench/drills/run.py {NAME}` (about 1½ minutes).

What happens: {VISITORS} visitors request {len(paths)} public pages in turn (home, events, an event, press, a
press release, directory, newsletter form) from gunicorn (3 sync workers, `CONN_MAX_AGE=60` and
`CONN_HEALTH_CHECKS` as in production), with the page cache off (`PAGE_CACHE_SECONDS=0`) so that every
request reaches the database — with it on, these pages are cache hits that never touch PostgreSQL (a run that
way: 42,073 requests, none failed). After {BEFORE_SECONDS} s the drill runs `pg_terminate_backend` on every
backend of its database every {TERMINATE_EVERY} s for {CHAOS_SECONDS} s ({rounds} rounds, {terminated} backends
terminated), then lets the load go on for {AFTER_SECONDS} s.

{figure_table}

A request whose connection is terminated under it fails once: Django raises, `ATOMIC_REQUESTS` rolls back
(or drops the broken connection when the rollback fails too), the portal's 500 page is rendered without
touching the database, and Django closes the broken connection at the end of the request. With
`CONN_HEALTH_CHECKS` the next request on that worker checks its persistent connection first and opens a
new one, so it succeeds without any restart.
"""
    if unclean:
        body += "\nOther failures: " + ", ".join(sorted({r[2] for r in unclean})) + "\n"
    report(TITLE, body)
    log(f"{TITLE}: {'PASSED' if passed else 'FAILED'}")
    return passed


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
