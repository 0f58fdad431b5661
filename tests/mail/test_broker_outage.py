"""A worker whose broker connection breaks while a task is in flight survives and consumes again afterwards.

Real parts only: the worker reaches the test Redis through a TCP gate that the test cuts (the broker
becomes unreachable mid-task, as in a network partition or a Redis restart), and the SMTP sink holds
the worker inside DATA so that its task is provably unacknowledged at that moment.
"""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import transaction

from swsdigital.mail import services
from swsdigital.mail.models import OutboxEmail
from tests.harness import CeleryWorker, TcpGate, database_url, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.redis]


@pytest.fixture
def gated_worker(transactional_db, smtp_server, celery_queue):
    from django.db import connection

    redis = urlparse(settings.REDIS_URL)
    gate = TcpGate(redis.port or 6379).start()
    env = {
        **celery_queue,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{gate.port}{redis.path or '/0'}",
        "DATABASE_URL": database_url(connection.settings_dict),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "MAIL_RETRY_DELAYS": "1,1,2,2",
        "TEST_DATABASE_NAME": "",
    }
    # prefork, as production runs it (docker-compose.yml): the main process holds the unacknowledged message.
    worker = CeleryWorker(env=env, pool="prefork").start()
    yield worker, gate
    gate.open()
    worker.stop()


def test_worker_survives_losing_the_broker_mid_task_and_consumes_again(gated_worker, smtp_sink):
    worker, gate = gated_worker
    smtp_sink.hold(after=0)  # the worker waits inside SMTP DATA: its acks_late task is unacknowledged
    with transaction.atomic():
        services.email_queue(to="held@example.org", subject="Gehalten", text="Text")
    wait_until(lambda: smtp_sink.held >= 1, message="the worker to be inside DATA")

    gate.cut()
    wait_until(lambda: "Connection to broker lost" in worker.log(), message="the worker to notice the broker is gone")
    smtp_sink.release()
    smtp_sink.wait_for(1, to="held@example.org")
    gate.open()

    with transaction.atomic():
        after = services.email_queue(to="after@example.org", subject="Danach", text="Text")
    smtp_sink.wait_for(1, to="after@example.org", timeout=90)
    assert worker.proc.poll() is None, worker.log()
    assert "Unrecoverable error" not in worker.log()
    wait_until(lambda: OutboxEmail.objects.get(pk=after.pk).status == OutboxEmail.Status.SENT, message="status sent")
