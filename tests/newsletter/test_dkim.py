"""A mailing's messages are DKIM-signed on both ways out and carry their delivery's return path."""

import email
import email.policy

import pytest

from newsletter import services
from newsletter.models import Delivery
from newsletter.rendering import MailingRenderer
from swsdigital.mail.returnpath import DELIVERY, Token, token_find
from tests import dkimkit

pytestmark = pytest.mark.django_db


def _run(mailing) -> str:
    services.mailing_deliveries_prepare(mailing_id=mailing.pk)
    return services.mailing_run(mailing_id=mailing.pk, seconds=60).outcome


def test_fast_path_and_django_message_are_signed_and_name_their_delivery(
    make_subscriber, sending, smtp_backend, settings, tmp_path
):
    dkimkit.configure(settings, tmp_path)
    fast = make_subscriber("leser@example.org")
    idn = make_subscriber("leserin@bücher.example", language="en")  # a non-ASCII address: Django's message
    renderer = MailingRenderer(sending)
    assert renderer.can_send_raw(Delivery(subscriber=fast)) and not renderer.can_send_raw(Delivery(subscriber=idn))
    assert _run(sending) == "done"

    received = {r.rcpt: r for r in smtp_backend.received()}
    assert set(received) == {"leser@example.org", "leserin@xn--bcher-kva.example"}
    dns = dkimkit.dns_stub()
    for subscriber, rcpt in ((fast, "leser@example.org"), (idn, "leserin@xn--bcher-kva.example")):
        content = received[rcpt].content
        assert dkimkit.verifies(content, dns), rcpt
        signed = dkimkit.signed_headers(content)
        for name in ("from", "to", "subject", "date", "message-id", "mime-version", "content-type"):
            assert name in signed, (rcpt, name)
        # RFC 8058: one-click unsubscribing needs both headers under the signature.
        assert "list-unsubscribe" in signed and "list-unsubscribe-post" in signed, rcpt
        delivery = Delivery.objects.get(mailing=sending, subscriber=subscriber)
        assert token_find(received[rcpt].mail_from) == Token(DELIVERY, delivery.pk)
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert token_find(message["Message-ID"]) == Token(DELIVERY, delivery.pk)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "info@sws-digital.example" in message["From"]  # the From header is not the return path

    tampered = received["leser@example.org"].content.replace(b"Digitaltag", b"Digitalnacht", 1)
    assert tampered != received["leser@example.org"].content and not dkimkit.verifies(tampered, dns)


def test_unsigned_without_dkim_settings_but_with_the_return_path(make_subscriber, sending, smtp_backend, settings):
    assert not settings.DKIM_DOMAIN
    subscriber = make_subscriber("plain@example.org")
    assert _run(sending) == "done"
    [received] = smtp_backend.received("plain@example.org")
    assert b"DKIM-Signature" not in received.content
    delivery = Delivery.objects.get(mailing=sending, subscriber=subscriber)
    assert received.mail_from == MailingRenderer(sending).raw(delivery)[0]
    assert token_find(received.mail_from) == Token(DELIVERY, delivery.pk)


def test_a_resent_delivery_carries_the_same_message_id_and_return_path(make_subscriber, sending, smtp_backend):
    subscriber = make_subscriber("twice@example.org")
    services.mailing_deliveries_prepare(mailing_id=sending.pk)
    delivery = Delivery.objects.get(mailing=sending, subscriber=subscriber)
    renderer = MailingRenderer(sending)
    first_sender, _to, first = renderer.raw(delivery)
    again_sender, _to, again = MailingRenderer(sending).raw(delivery)
    first_id = email.message_from_bytes(first)["Message-ID"]
    assert first_id == email.message_from_bytes(again)["Message-ID"] and first_sender == again_sender
    other = Delivery.objects.create(mailing=sending, subscriber=make_subscriber("other@example.org"))
    assert email.message_from_bytes(renderer.raw(other)[2])["Message-ID"] != first_id
