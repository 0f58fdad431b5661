"""The bounce policy for newsletter subscribers: hard at once, soft three times in 30 days, complaints unsubscribe."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from django.utils.translation import ngettext

from newsletter import services
from newsletter.models import Delivery, Subscriber
from swsdigital.mail.inbound import inbound_process
from swsdigital.mail.models import InboundMessage
from swsdigital.mail.returnpath import DELIVERY, Token
from swsdigital.privacy.models import Consent
from tests.mail.bounce_fixtures import eml


@pytest.fixture
def delivery(make_subscriber, mailing):
    subscriber = make_subscriber("reader@example.org")
    return Delivery.objects.create(mailing=mailing, subscriber=subscriber, status=Delivery.Status.SENT)


def token(delivery) -> Token:
    return Token(DELIVERY, delivery.pk)


def status(delivery) -> str:
    return Subscriber.objects.get(pk=delivery.subscriber_id).status


def test_hard_bounce_marks_the_subscriber_at_once(delivery):
    record, created = inbound_process(raw=eml("postfix_user_unknown", token(delivery)))
    assert created and record.kind == InboundMessage.Kind.HARD
    subscriber = Subscriber.objects.get(pk=delivery.subscriber_id)
    assert subscriber.status == Subscriber.Status.BOUNCED
    assert subscriber.bounced_at is not None
    assert subscriber.bounce_reason.startswith("5.1.1 550 5.1.1")
    assert (record.address, record.subscriber_id, record.target_kind) == ("reader@example.org", subscriber.pk, "n")
    assert record.effect == "subscriber marked bounced"


@pytest.mark.parametrize("name", ["exim_failed", "exchange_recipient_not_found", "gmail_does_not_exist"])
def test_every_hard_format_marks_the_subscriber(delivery, name):
    inbound_process(raw=eml(name, token(delivery)))
    assert status(delivery) == Subscriber.Status.BOUNCED


def test_three_soft_bounces_in_30_days_mark_the_subscriber_two_do_not(delivery):
    for n in (1, 2):
        inbound_process(raw=eml("soft_mailbox_full", token(delivery), N=str(n)))
    assert status(delivery) == Subscriber.Status.CONFIRMED
    assert InboundMessage.objects.filter(kind="soft").count() == 2
    record, _ = inbound_process(raw=eml("soft_mailbox_full", token(delivery), N="3"))
    assert status(delivery) == Subscriber.Status.BOUNCED
    assert "3 soft bounces in 30 days" in Subscriber.objects.get(pk=delivery.subscriber_id).bounce_reason
    assert record.effect == "subscriber marked bounced"


def test_soft_bounces_outside_the_window_do_not_count(delivery):
    for n in (1, 2):
        inbound_process(raw=eml("soft_mailbox_full", token(delivery), N=str(n)))
    InboundMessage.objects.update(received_at=timezone.now() - timedelta(days=31))
    record, _ = inbound_process(raw=eml("soft_mailbox_full", token(delivery), N="3"))
    assert status(delivery) == Subscriber.Status.CONFIRMED
    assert record.effect == "soft bounce 1 of 3"


def test_the_soft_limit_is_a_setting(delivery, settings):
    settings.BOUNCE_SOFT_LIMIT = 1
    inbound_process(raw=eml("soft_mailbox_full", token(delivery)))
    assert status(delivery) == Subscriber.Status.BOUNCED


def test_complaint_unsubscribes_at_once_and_withdraws_the_consent(db, mailing):
    subscriber = services.subscriber_subscribe(email="reader@example.org", language="de", source="test")
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now())
    delivery = Delivery.objects.create(mailing=mailing, subscriber=subscriber, status=Delivery.Status.SENT)
    assert Consent.objects.get(email="reader@example.org").withdrawn_at is None

    record, _ = inbound_process(raw=eml("arf_abuse", token(delivery)))
    assert record.kind == InboundMessage.Kind.COMPLAINT
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.unsubscribe_reason) == (Subscriber.Status.UNSUBSCRIBED, "complaint")
    consent = Consent.objects.get(email="reader@example.org")
    assert consent.withdrawn_at is not None and consent.withdrawn_reason == "complaint"  # in the consent log
    entry = LogEntry.objects.get(additional_data__event="newsletter.complaint")
    assert entry.additional_data["reason"] == "complaint"
    assert record.address == "reader@example.org"  # the row's address, not the redacted one in the report


def test_the_same_message_twice_records_once(delivery, settings):
    settings.BOUNCE_SOFT_LIMIT = 2
    raw = eml("soft_mailbox_full", token(delivery))
    assert inbound_process(raw=raw)[1] is True
    assert inbound_process(raw=raw)[1] is False
    assert InboundMessage.objects.count() == 1
    assert status(delivery) == Subscriber.Status.CONFIRMED  # not counted twice


@pytest.mark.parametrize(
    ("name", "note"),
    [
        ("forged_bad_signature", "forged"),
        ("forged_address_only", "never marks"),
        ("loop_bounce_of_bounce", "mail loop"),
        ("loop_autoreply_to_bounce", "mail loop"),
        ("autoreply_abwesenheit", "automatic reply"),
    ],
)
def test_forged_bounces_loops_and_auto_replies_mark_nobody(delivery, name, note):
    inbound_process(raw=eml(name, token(delivery), VICTIM="reader@example.org"))
    record = InboundMessage.objects.get()
    assert note in record.note
    assert status(delivery) == Subscriber.Status.CONFIRMED


def test_unknown_token_is_ignored(delivery):
    gone = Token(DELIVERY, delivery.pk + 1000)
    record, _ = inbound_process(raw=eml("postfix_user_unknown", gone))
    assert record.kind == InboundMessage.Kind.IGNORED
    assert "unknown token" in record.note
    assert status(delivery) == Subscriber.Status.CONFIRMED


def test_bounced_subscriber_reactivated_by_staff_with_an_audit_entry(delivery, staff_login):
    inbound_process(raw=eml("postfix_user_unknown", token(delivery)))
    staff = staff_login("newsletter.view_subscriber", "newsletter.change_subscriber")
    response = staff.post(
        "/admin/newsletter/subscriber/",
        {"action": "reactivate", "_selected_action": [delivery.subscriber_id]},
        follow=True,
    )
    assert response.status_code == 200
    message = ngettext("%(count)d address reactivated.", "%(count)d addresses reactivated.", 1) % {"count": 1}
    assert message in response.content.decode()
    subscriber = Subscriber.objects.get(pk=delivery.subscriber_id)
    assert (subscriber.status, subscriber.bounced_at, subscriber.bounce_reason) == ("confirmed", None, "")
    assert LogEntry.objects.filter(
        additional_data__event="newsletter.reactivated", object_pk=str(subscriber.pk)
    ).exists()


def test_staff_see_the_record_with_reason_and_the_raw_message_escaped(delivery, staff_login):
    record, _ = inbound_process(raw=eml("postfix_user_unknown", token(delivery)) + b"<script>alert(1)</script>")
    staff = staff_login("mail.view_inboundmessage", "newsletter.view_subscriber")
    listing = staff.get("/admin/mail/inboundmessage/", {"kind__exact": "hard", "q": "reader@example.org"})
    assert listing.status_code == 200
    assert "reader@example.org" in listing.content.decode()
    detail = staff.get(f"/admin/mail/inboundmessage/{record.pk}/change/").content.decode()
    assert "User unknown in virtual mailbox table" in detail
    assert '<pre class="inbound-raw"' in detail
    assert "<script>alert(1)</script>" not in detail and "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert f"/admin/newsletter/subscriber/{delivery.subscriber_id}/change/" in detail
