"""Drill: the Celery worker killed with SIGKILL five times during a 20,000-recipient newsletter mailing.

20,000 confirmed subscribers, one mailing started with "send now". Each time the sink has received
another share of the messages, the worker's whole process group gets SIGKILL (as when the kernel's
OOM killer or ``docker kill`` strikes) and a new worker is started. The rows the dead worker had
claimed stay claimed until their lease (``NEWSLETTER_CLAIM_SECONDS``) ends; the beat's newsletter
sweep then hands the mailing to new runners.

Pass: every recipient gets the mailing, and the duplicates are no more than the deliveries that were
in flight (claimed by the dead worker) at the kills.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.drills.stack import DrillFailed, Stack, log, machine, report, table, wait_until

NAME = "worker_kill"
TITLE = "Celery worker killed five times during a 20,000-recipient mailing"
RECIPIENTS = 20_000
KILLS = 5
CLAIM_SECONDS = 15
ENV = {
    # A claimed batch of 100 takes well under a second here; a 15 s lease lets the drill recover in time.
    "NEWSLETTER_CLAIM_SECONDS": CLAIM_SECONDS,
    "NEWSLETTER_SWEEP_SECONDS": 5,
    "NEWSLETTER_RATE_PER_MINUTE": 60000,
    "NEWSLETTER_BATCH_SIZE": 100,
    "NEWSLETTER_PARALLEL": 2,
    "LOG_LEVEL": "WARNING",
}


def _seed() -> int:

    from django.db import connection, transaction

    from bench.data import subscribers_create
    from newsletter import services
    from newsletter.models import Mailing

    subscribers_create(RECIPIENTS, domain="drill.example", source="drill")
    with connection.cursor() as cur:
        cur.execute("ANALYZE newsletter_subscriber")
    mailing = Mailing.objects.create(
        subject="Drill: Neues aus dem Netzwerk",
        preheader="Termine und Neuigkeiten",
        body="## Hallo\n\nDer **Digitaltag** kommt. " + "Ein Absatz über die Region. " * 20,
        body_en="## Hello\n\nThe **digital day** is coming. " + "A paragraph about the region. " * 20,
    )
    with transaction.atomic():
        services.mailing_send(mailing=mailing)
    return mailing.pk


def run() -> bool:
    with Stack(NAME, demo=False, **ENV) as stack:
        from newsletter.models import Delivery, Mailing

        log(f"seeding {RECIPIENTS:,} subscribers and starting the mailing")
        started = time.time()
        mailing_id = _seed()
        kills = []
        thresholds = [int(RECIPIENTS * (k + 1) / (KILLS + 2)) for k in range(KILLS)]
        for number, threshold in enumerate(thresholds, 1):
            wait_until(lambda t=threshold: len(stack.sink.received()) >= t, timeout=600, interval=0.1,
                       message=f"{threshold} messages at the sink")  # fmt: skip
            in_flight = Delivery.objects.filter(mailing_id=mailing_id, status=Delivery.Status.SENDING).count()
            at_kill = len(stack.sink.received())
            stack.portal.worker.kill()
            killed_at = time.time()
            log(f"kill {number}: SIGKILL after {at_kill:,} messages, {in_flight} deliveries in flight")
            stack.portal.start_worker()
            kills.append({"at": killed_at, "received": at_kill, "in_flight": in_flight})
        log("all kills done; waiting for the mailing to finish")
        wait_until(
            lambda: Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENT).exists(),
            timeout=900, interval=1, message="the mailing to be marked sent",
        )  # fmt: skip
        finished = time.time()
        # The last messages of a batch are marked after the sink has them: give the sink a moment.
        wait_until(lambda: len({r.rcpt for r in stack.sink.received()}) >= RECIPIENTS, timeout=30, interval=0.5,
                   message="every recipient at the sink")  # fmt: skip
        received = stack.sink.received()
        statuses = Counter(Delivery.objects.filter(mailing_id=mailing_id).values_list("status", flat=True))

    counts = Counter(r.rcpt for r in received)
    expected = {f"reader{i:06d}@drill.example" for i in range(RECIPIENTS)}  # as subscribers_create names them
    missing = expected - set(counts)
    duplicates = sum(n - 1 for n in counts.values())
    distinct_ids = len({(r.rcpt, r.message_id) for r in received})
    in_flight_total = sum(k["in_flight"] for k in kills)
    arrivals = sorted(r.at for r in received)
    for kill in kills:
        after = next((t for t in arrivals if t > kill["at"] + 0.05), None)
        kill["gap"] = (after - kill["at"]) if after else float("nan")
    passed = not missing and duplicates <= in_flight_total and len(kills) == KILLS
    figures = {
        "recipients": RECIPIENTS,
        "messages received": len(received),
        "recipients reached": len(expected) - len(missing),
        "missing": len(missing),
        "duplicates": duplicates,
        "deliveries in flight at the kills": in_flight_total,
        "distinct (recipient, Message-ID)": distinct_ids,
        "total time (s)": round(finished - started, 1),
        "delivery rows by status": dict(statuses),
    }
    for key, value in figures.items():
        log(f"  {key}: {value}")
    _report(figures, kills, passed)
    log(f"{TITLE}: {'PASSED' if passed else 'FAILED'}")
    if missing:
        raise DrillFailed(f"{len(missing)} recipients never got the mailing")
    return passed


def _report(figures: dict, kills: list[dict], passed: bool) -> None:
    kill_table = table(
        [(i, f"{k['received']:,}", k["in_flight"], f"{k['gap']:.1f} s") for i, k in enumerate(kills, 1)],
        header=("kill", "messages at the sink when killed", "deliveries in flight (claimed, not marked)",
                "until the next message arrived"),
    )  # fmt: skip
    statuses = ", ".join(f"{k}: {v:,}" for k, v in figures["delivery rows by status"].items())
    figure_table = table(
        [
            ("recipients / reached / missing",
             f"{figures['recipients']:,} / {figures['recipients reached']:,} / {figures['missing']}"),
            ("messages received by the sink", f"{figures['messages received']:,}"),
            ("duplicates (limit: deliveries in flight at the kills)",
             f"{figures['duplicates']} (limit {figures['deliveries in flight at the kills']})"),
            ("distinct (recipient, Message-ID) pairs",
             f"{figures['distinct (recipient, Message-ID)']:,} — a repeated message carries the same Message-ID"),
            ('from "send now" to "sent", with five kills', f"{figures['total time (s)']} s"),
            ("delivery rows by status at the end", statuses),
        ]
    )  # fmt: skip
    body = f"""
**{"Passed" if passed else "FAILED"}** — {machine()}.

Command: `python bench/drills/run.py {NAME}` (about 2 minutes).

What happens: {RECIPIENTS:,} confirmed subscribers, one mailing sent with "send now" through Redis to one
Celery worker (prefork, concurrency 2, as in `docker-compose.yml`), batches of 100, 2 runners. Each time the
sink has received another sixth or so of the messages, the worker's whole process group gets SIGKILL and a
new worker starts. Drill settings: `NEWSLETTER_CLAIM_SECONDS={CLAIM_SECONDS}` (the lease of a claimed batch;
production: 300), `NEWSLETTER_SWEEP_SECONDS=5` (production: 60), `NEWSLETTER_RATE_PER_MINUTE=60000`.

{kill_table}

{figure_table}

A killed worker's runner tasks are lost with it (they were unacknowledged); the rows it had claimed wait
for their lease to end, then the newsletter sweep (beat) sees the stale claims and the silent heartbeat and
starts new runners, which claim those rows again (`FOR UPDATE SKIP LOCKED`). Only messages of the batch
in flight can go out twice.
"""
    report(TITLE, body)


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
