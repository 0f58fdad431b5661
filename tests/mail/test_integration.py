"""The outbox with a real Celery worker process and a real SMTP sink."""

import pytest
from django.db import transaction

from swsdigital.celery import app as celery_app
from swsdigital.mail import services
from swsdigital.mail.models import OutboxEmail
from tests.harness import wait_until

pytestmark = pytest.mark.integration


def _send(to: str) -> OutboxEmail:
    return services.email_queue(to=to, subject="Hallo", text="Text", html="<p>Text</p>")


def test_committed_email_is_delivered_by_the_worker(celery_worker, smtp_sink):
    with transaction.atomic():
        email = _send("anna@example.org")
    [message] = smtp_sink.wait_for(1, to="anna@example.org")
    assert message["Subject"] == "Hallo"
    assert message["Message-ID"]
    wait_until(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT, message="status sent")


def test_rolled_back_change_sends_nothing(celery_worker, smtp_sink):
    with pytest.raises(RuntimeError), transaction.atomic():
        _send("rollback@example.org")
        raise RuntimeError("the caller's change fails")
    # A second, committed email proves the worker is consuming; the rolled-back one never comes.
    with transaction.atomic():
        _send("marker@example.org")
    smtp_sink.wait_for(1, to="marker@example.org")
    assert smtp_sink.to("rollback@example.org") == []
    assert not OutboxEmail.objects.filter(to="rollback@example.org").exists()


def _reset_broker_pools() -> None:
    # Drop the app's references so the next publish uses the current broker_url;
    # kombu keeps (open) pools per connection, so switching back finds the old one.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_unreachable_broker_at_commit_loses_nothing(celery_worker, smtp_sink):
    good_url = celery_app.conf.broker_url
    good_options = celery_app.conf.broker_transport_options
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    celery_app.conf.broker_transport_options = {"socket_connect_timeout": 0.5}
    _reset_broker_pools()
    try:
        with transaction.atomic():
            email = _send("later@example.org")
        email.refresh_from_db()
        assert email.queued_at is None  # the hand-over failed, the row is committed
        assert email.next_attempt_at is not None  # ... and marked for the sweeper
        assert services.outbox_sweep() == 0  # the broker is still down: the row waits
    finally:
        celery_app.conf.broker_url = good_url
        celery_app.conf.broker_transport_options = good_options
        _reset_broker_pools()
    # The first sweep after the broker returns takes it, without waiting out a grace period.
    assert services.outbox_sweep() == 1
    smtp_sink.wait_for(1, to="later@example.org")
    wait_until(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT, message="status sent")


def test_temporary_smtp_failure_is_retried(celery_worker, smtp_sink):
    smtp_sink.mode = "tempfail"
    with transaction.atomic():
        email = _send("retry@example.org")
    wait_until(lambda: smtp_sink.refused >= 1, message="the first, refused attempt")
    wait_until(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.RETRY, message="retry state")
    assert "451" in OutboxEmail.objects.get(pk=email.pk).last_error
    smtp_sink.mode = "accept"
    smtp_sink.wait_for(1, to="retry@example.org")
    wait_until(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT, message="status sent")
    assert OutboxEmail.objects.get(pk=email.pk).attempts >= 2


def test_permanent_smtp_failure_is_marked_failed_and_shown(celery_worker, smtp_sink, admin_client):
    smtp_sink.mode = "reject"
    with transaction.atomic():
        email = _send("nobody@example.org")
    wait_until(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.FAILED, message="failed")
    email.refresh_from_db()
    assert email.attempts == 1
    assert "550" in email.last_error
    page = admin_client.get("/admin/mail/outboxemail/?status__exact=failed")
    assert page.status_code == 200
    assert "nobody@example.org" in page.content.decode()
