"""The worker's Redis transport survives closing a channel, and acknowledging on it, after the broker was lost.

kombu 5.7's own transport raises AttributeError there (Celery then stops the worker instead of
reconnecting); see swsdigital/core/broker.py.
"""

import time
import uuid

import pytest
from django.conf import settings
from kombu import Connection, Exchange, Queue

pytestmark = pytest.mark.redis


def test_the_redis_broker_uses_the_fixed_transport():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.CELERY_BROKER_TRANSPORT == "swsdigital.core.broker:Transport"


def test_closing_a_channel_with_an_unacknowledged_message_after_the_connection_was_lost():
    name = f"test-broker-{uuid.uuid4().hex[:8]}"
    queue = Queue(name, Exchange(name), routing_key=name)
    connection = Connection(settings.CELERY_BROKER_URL, transport=settings.CELERY_BROKER_TRANSPORT)
    with connection.Producer() as producer:
        producer.publish({"n": 1}, exchange=queue.exchange, routing_key=name, declare=[queue])
    channel = connection.channel()
    deadline = time.monotonic() + 10
    message = None
    while message is None and time.monotonic() < deadline:
        message = channel.basic_get(name, no_ack=False)
    assert message is not None  # now unacknowledged, as an acks_late task in flight
    tag = message.delivery_tag

    connection._do_close_transport()  # what Connection.collect() does when the consumer loses the broker
    channel.close()  # kombu's own transport raises AttributeError: 'NoneType' object has no attribute 'hostname'
    message.ack()  # the task finished after the reconnect; kombu's own: 'NoneType' object has no attribute 'client'

    with Connection(settings.CELERY_BROKER_URL, transport=settings.CELERY_BROKER_TRANSPORT) as cleanup:
        qos = cleanup.default_channel.qos
        qos._remove_from_indices(tag).execute()  # the message stayed in Redis's unacked set; drop it
        cleanup.default_channel.queue_delete(name)
