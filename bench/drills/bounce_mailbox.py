"""Drill: the bounce mailbox unreachable for 60 s during a mailing whose recipients bounce.

A real dovecot IMAP server (the test suite's, tests/mail/imap_server.py) holds the bounce mailbox; the
portal reaches it only through a gate (a TCP proxy) that is cut before the mailing starts. 1,000
subscribers get a mailing; as their messages reach the SMTP sink, the drill writes the replies a real
mail system would send to each message's envelope sender (VERP): hard bounces in the formats of Postfix,
Gmail and Exchange, soft bounces ("mailbox full") and German out-of-office replies, straight into the
mailbox (IMAP APPEND, as the mail server delivers them). Celery beat tries to read the mailbox every few
seconds and meets a closed port for 60 s; then the gate opens.

Pass: the worker survives the outage (it logs, and reads again on the next beat); once the mailbox is
reachable, every message is read and recorded exactly once and moved out of the inbox; exactly the
hard-bounced subscribers are marked bounced, no soft-bounced (one soft bounce is below the limit) or
auto-replying one, no other subscriber.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.drills.stack import DrillFailed, Gate, Stack, log, machine, report, table, wait_until

NAME = "bounce_mailbox"
TITLE = "Bounce mailbox unreachable for 60 s during a mailing whose recipients bounce"
RECIPIENTS = 1_000
OUTAGE_SECONDS = 60
# A quarter of the messages come back: hard bounces in three formats, soft bounces, auto-replies.
REPLIES = {0: "postfix_user_unknown", 1: "gmail_does_not_exist", 2: "exchange_recipient_not_found",
           3: "soft_mailbox_full", 4: "autoreply_abwesenheit"}  # fmt: skip
HARD = {"postfix_user_unknown", "gmail_does_not_exist", "exchange_recipient_not_found"}
BEAT_SECONDS = 5
ENV = {
    "BOUNCE_MAILBOX_SECONDS": BEAT_SECONDS,
    "BOUNCE_MAILBOX_TIMEOUT": 5,
    "BOUNCE_MAILBOX_BATCH": 100,
    "NEWSLETTER_RATE_PER_MINUTE": 60000,
    "NEWSLETTER_BATCH_SIZE": 100,
    "LOG_LEVEL": "WARNING",
}


def _reply(fixture: str, received, n: int) -> bytes:
    """The fixture filled in for one received message, with a Message-ID of its own (one per reply)."""
    from tests.mail.bounce_fixtures import eml

    raw = eml(fixture, RETURN_PATH=received.mail_from, MESSAGE_ID=received.message_id, N=str(n))
    head, sep, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    for i, line in enumerate(lines):
        if line.lower().startswith(b"message-id:"):
            lines[i] = f"Message-ID: <drill-{uuid.uuid4().hex}@mail.example.net>".encode()
            break
    return b"\r\n".join(lines) + sep + body


def run() -> bool:
    from tests.mail.imap_server import DovecotServer

    dovecot = DovecotServer().start()
    gate_dir = Path(tempfile.mkdtemp(prefix="sws-drill-gate-"))
    gate = Gate(dovecot.port, gate_dir).start()
    try:
        env = {**ENV, "BOUNCE_MAILBOX_URL": dovecot.url(port=gate.port)}
        with Stack(NAME, demo=False, **env) as stack:
            return _drill(stack, dovecot, gate)
    finally:
        gate.stop()
        dovecot.stop()


def _drill(stack: Stack, dovecot, gate: Gate) -> bool:
    from django.db import transaction

    from bench.data import subscribers_create
    from newsletter import services
    from newsletter.models import Mailing, Subscriber
    from swsdigital.mail.models import InboundMessage

    gate.cut()
    cut_at = time.time()
    log(f"the bounce mailbox is unreachable (gate cut); {RECIPIENTS:,} subscribers get a mailing")
    subscribers_create(RECIPIENTS, domain="drill.example", source="drill")
    mailing = Mailing.objects.create(subject="Drill: Neues aus dem Netzwerk", body="## Hallo\n\nTermine im Dezember.")
    with transaction.atomic():
        services.mailing_send(mailing=mailing)
    wait_until(lambda: len(stack.sink.received()) >= RECIPIENTS, timeout=300, interval=0.5,
               message="every message at the sink")  # fmt: skip
    received = sorted(stack.sink.received(), key=lambda r: r.rcpt)
    expected: dict[str, str] = {}  # recipient -> fixture
    appended = 0
    for n, item in enumerate(received):
        fixture = REPLIES.get(n % 20)  # five of every twenty messages come back
        if fixture is None or not item.mail_from:
            continue
        dovecot.append(_reply(fixture, item, n))
        expected[item.rcpt] = fixture
        appended += 1
    log(f"{appended} replies delivered into the mailbox while it is unreachable for the portal")
    worker_alive_during = stack.portal.worker.alive and stack.portal.beat.alive
    recorded_during = InboundMessage.objects.count()
    time.sleep(max(0.0, cut_at + OUTAGE_SECONDS - time.time()))  # the outage lasts its full minute
    worker_alive_during = worker_alive_during and stack.portal.worker.alive and stack.portal.beat.alive
    recorded_during = max(recorded_during, InboundMessage.objects.count())
    gate.open()
    opened_at = time.time()
    log("the mailbox is reachable again")
    try:
        wait_until(lambda: InboundMessage.objects.count() >= appended and dovecot.count("INBOX") == 0,
                   timeout=240, interval=0.5, message="every reply to be read and moved")  # fmt: skip
    except DrillFailed as exc:
        log(str(exc))
    processed_after = time.time() - opened_at
    time.sleep(2 * BEAT_SECONDS)  # another beat or two: a message read twice would show now
    kinds = Counter(InboundMessage.objects.values_list("kind", flat=True))
    bounced = set(Subscriber.objects.filter(status=Subscriber.Status.BOUNCED).values_list("email", flat=True))
    hard = {rcpt for rcpt, fixture in expected.items() if fixture in HARD}
    wrong = bounced - hard
    missed = hard - bounced
    inbox_left = dovecot.count("INBOX")
    done_folder = dovecot.count("Processed")
    worker_log = stack.portal.worker.log_path.read_text(errors="replace")
    logged_outage = sum("Bounce mailbox" in line and "could not be read" in line for line in worker_log.splitlines())
    figures = {
        "recipients": RECIPIENTS,
        "replies delivered into the mailbox": appended,
        "of them hard bounces / soft / auto-replies": (
            f"{len(hard)} / {sum(f == 'soft_mailbox_full' for f in expected.values())} / "
            f"{sum(f == 'autoreply_abwesenheit' for f in expected.values())}"
        ),
        "outage (s)": OUTAGE_SECONDS,
        "records written during the outage": recorded_during,
        "worker and beat alive through the outage": worker_alive_during,
        "failed reads logged by the worker": logged_outage,
        "read and moved after the mailbox came back (s)": round(processed_after, 1),
        "records": sum(kinds.values()),
        "records by kind": dict(sorted(kinds.items())),
        "left in the inbox": inbox_left,
        "in the Processed folder": done_folder,
        "subscribers marked bounced": len(bounced),
        "hard-bounced but not marked": len(missed),
        "marked but not hard-bounced": len(wrong),
    }
    for key, value in figures.items():
        log(f"  {key}: {value}")
    passed = (
        worker_alive_during
        and logged_outage > 0
        and recorded_during == 0
        and sum(kinds.values()) == appended
        and kinds.get("hard", 0) == len(hard)
        and inbox_left == 0
        and done_folder == appended
        and not missed
        and not wrong
    )
    _report(figures, passed)
    log(f"{TITLE}: {'PASSED' if passed else 'FAILED'}")
    return passed


def _report(figures: dict, passed: bool) -> None:
    body = (
        f"{TITLE}. Run {machine()}.\n\n"
        f"A real dovecot IMAP server holds the bounce mailbox (`BOUNCE_MAILBOX_URL`), reached through a gate that is "
        f"cut before the mailing starts and opened after {OUTAGE_SECONDS} s. The replies a mail system would send "
        "go to each message's own envelope sender (VERP): hard bounces in the formats of Postfix, Gmail and Exchange, "
        "soft bounces and German out-of-office replies. Celery beat tries the mailbox every "
        f"{BEAT_SECONDS} s.\n\n"
        + table(list(figures.items()))
        + f"\n\n**{'PASSED' if passed else 'FAILED'}**: every reply read and recorded once, moved out of the inbox, "
        "exactly the hard-bounced subscribers marked bounced; the worker survived the outage.\n"
    )
    report(TITLE, body)


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
