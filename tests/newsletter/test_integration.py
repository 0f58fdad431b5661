"""The newsletter with a real Celery worker process and a real SMTP sink, including a worker crash."""

from collections import Counter

import pytest
from django.db import transaction
from django.test import Client

from newsletter import services
from newsletter.models import Delivery, Mailing, Subscriber
from swsdigital.mail.returnpath import DELIVERY, token_find
from tests.harness import wait_until

pytestmark = pytest.mark.integration


def test_opt_in_mailing_and_one_click_unsubscribe_end_to_end(celery_worker, smtp_sink, make_subscriber, mailing):
    with transaction.atomic():
        pending = services.subscriber_subscribe(email="new@example.org", language="en", source="test")
    [confirmation] = smtp_sink.wait_for(1, to="new@example.org")
    assert confirmation["Subject"] == "Please confirm your newsletter subscription"
    body = confirmation.get_body(("plain",)).get_content()
    link = next(word for word in body.split() if "/en/newsletter/confirm/" in word)
    assert Client().post(link.replace("http://127.0.0.1:8000", "")).status_code == 200
    assert Subscriber.objects.get(pk=pending.pk).status == Subscriber.Status.CONFIRMED

    for i in range(12):
        make_subscriber(f"reader{i}@example.org")
    with transaction.atomic():
        services.mailing_send(mailing=mailing)
    messages = smtp_sink.wait_for(14, timeout=60)  # the confirmation + 13 mailings
    mailings = [m for m in messages if m["List-Unsubscribe"]]
    assert len(mailings) == 13
    for message in mailings:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = token_find(message["Message-ID"])
        assert token.kind == DELIVERY
        assert Delivery.objects.get(pk=token.pk).mailing_id == mailing.pk
        assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    wait_until(lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT, message="mailing sent")

    [english] = smtp_sink.to("new@example.org")[1:]
    url = english["List-Unsubscribe"].strip("<>").replace("http://127.0.0.1:8000", "")
    response = Client(enforce_csrf_checks=True).post(
        url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Subscriber.objects.get(pk=pending.pk).status == Subscriber.Status.UNSUBSCRIBED


def test_worker_killed_mid_send_loses_nobody_and_repeats_at_most_one_batch(
    newsletter_worker, smtp_sink, make_subscriber, mailing
):
    recipients = [make_subscriber(f"crash{i:03d}@example.org").email for i in range(60)]
    smtp_sink.hold(after=15)  # the worker blocks inside SMTP DATA mid-batch: a batch is provably in flight
    with transaction.atomic():
        services.mailing_send(mailing=mailing)
    in_flight = Delivery.objects.filter(mailing=mailing, status=Delivery.Status.SENDING)
    wait_until(lambda: smtp_sink.held >= 1, timeout=60, message="the worker to be held mid-batch")
    newsletter_worker.kill()
    smtp_sink.release(drop=True)  # the dead worker's half-sent message never completes
    received_at_crash = len(smtp_sink.messages)
    assert received_at_crash < 60, "the worker finished before it could be killed"
    assert in_flight.exists()  # claimed by the dead worker

    newsletter_worker.start()
    wait_until(lambda: services.mailings_sweep() > 0, timeout=20, message="the sweep to hand the mailing over")
    wait_until(
        lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT, timeout=90, message="mailing sent"
    )
    with smtp_sink.lock:
        counts = Counter(rcpt for rcpt, _message in smtp_sink.messages)
        ids = {(rcpt, m["Message-ID"]) for rcpt, m in smtp_sink.messages}
        senders = {(r.rcpt, r.mail_from) for r in smtp_sink.envelopes}
    assert set(counts) == set(recipients)  # everybody got it
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= 10  # at most the batch in flight (batch size 10, one runner)
    assert len(ids) == len(recipients)  # a repeated message carries the same Message-ID
    assert len(senders) == len(recipients)  # ... and the same return path, one per delivery
    for rcpt, mail_from in senders:
        token = token_find(mail_from)
        assert Delivery.objects.get(pk=token.pk).subscriber.email == rcpt
    assert Delivery.objects.filter(mailing=mailing, status=Delivery.Status.SENT).count() == 60
