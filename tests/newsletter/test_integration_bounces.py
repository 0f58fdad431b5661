"""The whole bounce loop with real parts: a mailing through the SMTP sink, a DSN into dovecot, the beat task
run by a real Celery worker, the subscriber bounced and the record shown to staff."""

import pytest
from django.db import transaction

from newsletter import services
from newsletter.models import Delivery, Mailing, Subscriber
from swsdigital.mail.models import InboundMessage
from swsdigital.mail.returnpath import DELIVERY, Token, return_path, token_find
from swsdigital.mail.tasks import bounce_mailbox_read_task
from tests.harness import CeleryWorker, wait_until
from tests.mail.bounce_fixtures import eml

pytestmark = pytest.mark.integration


@pytest.fixture
def bounce_worker(_worker_process, transactional_db, smtp_sink, imap_mailbox):
    """The only worker on the queue, reading the test's dovecot mailbox."""
    _worker_process.stop()  # celery_worker restarts the session's worker for the next test
    worker = CeleryWorker(env={**_worker_process.env, "BOUNCE_MAILBOX_URL": imap_mailbox.url()}).start()
    yield worker
    worker.stop()


def test_a_dsn_to_a_deliverys_envelope_sender_bounces_the_subscriber(
    bounce_worker, imap_mailbox, smtp_sink, make_subscriber, mailing, staff_login
):
    for i in range(3):
        make_subscriber(f"loop{i}@example.org")
    with transaction.atomic():
        services.mailing_send(mailing=mailing)
    smtp_sink.wait_for(3, timeout=60)
    wait_until(lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT, message="mailing sent")

    victim = Subscriber.objects.get(email="loop1@example.org")
    delivery = Delivery.objects.get(mailing=mailing, subscriber=victim)
    # The envelope sender of that delivery (VERP): bounces+n<id>.<sig>@domain, where the DSN is sent.
    envelope_sender = return_path(Token(DELIVERY, delivery.pk))
    assert token_find(envelope_sender) == Token(DELIVERY, delivery.pk)
    imap_mailbox.append(eml("postfix_user_unknown", Token(DELIVERY, delivery.pk), RETURN_PATH=envelope_sender))

    bounce_mailbox_read_task.delay()  # what beat sends
    wait_until(lambda: InboundMessage.objects.exists(), timeout=60, message="the worker to read the mailbox")
    wait_until(lambda: imap_mailbox.count("Processed") == 1, timeout=30, message="the DSN to be moved")

    victim.refresh_from_db()
    assert victim.status == Subscriber.Status.BOUNCED and victim.bounce_reason.startswith("5.1.1")
    others = Subscriber.objects.exclude(pk=victim.pk).values_list("status", flat=True)
    assert set(others) == {Subscriber.Status.CONFIRMED}
    assert imap_mailbox.count("INBOX") == 0

    record = InboundMessage.objects.get()
    assert (record.kind, record.subscriber_id, record.address) == ("hard", victim.pk, "loop1@example.org")
    staff = staff_login("mail.view_inboundmessage", "newsletter.view_subscriber")
    listing = staff.get("/admin/mail/inboundmessage/").content.decode()
    assert "loop1@example.org" in listing and "5.1.1" in listing
    detail = staff.get(f"/admin/mail/inboundmessage/{record.pk}/change/").content.decode()
    assert f"/admin/newsletter/subscriber/{victim.pk}/change/" in detail

    bounce_mailbox_read_task.delay()  # a second run finds nothing new
    imap_mailbox.append(eml("postfix_user_unknown", Token(DELIVERY, delivery.pk), RETURN_PATH=envelope_sender))
    bounce_mailbox_read_task.delay()
    wait_until(lambda: imap_mailbox.count("Processed") == 2, timeout=60, message="the repeated DSN to be moved")
    assert InboundMessage.objects.count() == 1  # the same message (same Message-ID) is recorded once
