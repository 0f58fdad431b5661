"""The outbox's retention rule: an email's content goes after the period, its row and status stay."""

import base64
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from swsdigital.mail import services
from swsdigital.mail.models import OutboxEmail
from swsdigital.privacy.retention import retention_apply

pytestmark = pytest.mark.django_db
Status = OutboxEmail.Status


def _email(to: str, *, status=Status.SENT, at=None) -> OutboxEmail:
    email = OutboxEmail.objects.create(
        to=to,
        from_email="info@sws-digital.example",
        subject=f"Ihre Anmeldung ({to})",
        body_text=f"Guten Tag, Ihre IBAN endet auf 00. {to}",
        body_html=f"<p>Guten Tag {to}</p>",
        headers={"X-Campaign": "herbst"},
        attachments=[
            {"filename": "a.pdf", "mimetype": "application/pdf", "content_b64": base64.b64encode(b"%PDF").decode()}
        ],
        template="events/registration_confirmed",
        language="de",
        status=status,
        attempts=1,
        message_id=f"<{to}>",
        last_error="550 mailbox full" if status == Status.FAILED else "",
        sent_at=timezone.now() if status == Status.SENT else None,
    )
    if at is not None:
        OutboxEmail.objects.filter(pk=email.pk).update(created_at=at)
    return email


def test_email_content_goes_after_the_period_and_the_row_recipient_and_status_stay(settings, caplog):
    now = timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION["email_bodies"])
    sent = _email("sent@example.org", at=cutoff - timedelta(seconds=1))
    failed = _email("failed@example.org", status=Status.FAILED, at=cutoff - timedelta(days=10))
    fresh = _email("fresh@example.org", at=cutoff + timedelta(seconds=1))
    at_cutoff = _email("cutoff@example.org", at=cutoff)
    # Never sent yet (a broker outage long ago): it still has to go out whole.
    waiting = _email("waiting@example.org", status=Status.PENDING, at=cutoff - timedelta(days=1))
    retrying = _email("retry@example.org", status=Status.RETRY, at=cutoff - timedelta(days=1))

    with caplog.at_level(logging.INFO):
        assert retention_apply(period="email_bodies", now=now) == {"mail.email_bodies": 2, "mail.bounce_raw": 0}
    for email in (sent, failed):
        email.refresh_from_db()
        assert (email.body_text, email.body_html, email.attachments, email.headers) == ("", "", [], {})
        assert email.subject == f"Ihre Anmeldung ({email.to})"
        assert email.message_id == f"<{email.to}>" and email.attempts == 1
        assert services.email_content_purged(email)
    sent.refresh_from_db()
    failed.refresh_from_db()
    assert (sent.to, sent.status, sent.sent_at is not None) == ("sent@example.org", Status.SENT, True)
    assert (failed.status, failed.last_error) == (Status.FAILED, "550 mailbox full")
    for email in (fresh, at_cutoff, waiting, retrying):
        email.refresh_from_db()
        assert email.body_text.startswith("Guten Tag") and email.attachments and email.headers
        assert not services.email_content_purged(email)
    assert OutboxEmail.objects.count() == 6
    assert "Removed the content of 2 email(s)" in caplog.text
    assert "Retention rule mail.email_bodies: 2 record(s)" in caplog.text

    assert retention_apply(period="email_bodies", now=now) == {"mail.email_bodies": 0, "mail.bounce_raw": 0}
    assert retention_apply(period="email_bodies", now=now + timedelta(seconds=2))["mail.email_bodies"] == 2


def test_an_email_whose_content_is_gone_is_not_sent_again_from_the_admin(admin_client, settings):
    old = _email("old@example.org", at=timezone.now() - timedelta(days=settings.RETENTION["email_bodies"] + 1))
    recent = _email("recent@example.org", status=Status.FAILED)
    services.outbox_bodies_purge()
    response = admin_client.post(
        "/admin/mail/outboxemail/", {"action": "resend", "_selected_action": [old.pk, recent.pk]}, follow=True
    )
    assert response.status_code == 200
    copies = OutboxEmail.objects.exclude(pk__in=[old.pk, recent.pk])
    assert list(copies.values_list("to", flat=True)) == ["recent@example.org"]
    assert "1 E-Mail wurde erneut eingereiht." in response.content.decode()


def test_raw_bounce_messages_go_after_the_email_bodies_period(db):
    from datetime import timedelta

    from django.utils import timezone

    from swsdigital.mail.models import InboundMessage
    from swsdigital.privacy.retention import retention_apply, retention_cutoff

    now = timezone.now()
    old = InboundMessage.objects.create(mailbox_key="<old@x>", kind="hard", address="a@example.org", raw="DSN")
    new = InboundMessage.objects.create(mailbox_key="<new@x>", kind="hard", address="a@example.org", raw="DSN")
    InboundMessage.objects.filter(pk=old.pk).update(
        received_at=retention_cutoff("email_bodies", now=now) - timedelta(1)
    )
    assert retention_apply(period="email_bodies", now=now)["mail.bounce_raw"] == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.raw, old.address, old.kind) == ("", "a@example.org", "hard") and old.raw_purged_at is not None
    assert new.raw == "DSN"
