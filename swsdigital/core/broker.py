"""kombu's Redis transport, made to survive losing the broker while a message is unacknowledged.

When the connection to Redis breaks, the Celery consumer collects the connection (which detaches
the transport from it) and then closes it. If a message is still unacknowledged then (an
``acks_late`` task in flight), closing the channel tries to restore it to the queue through the
detached transport, and kombu 5.7 raises ``AttributeError: 'NoneType' object has no attribute
'hostname'`` — which Celery treats as unrecoverable: the worker exits instead of reconnecting.

Here the restore is skipped when the transport is detached (Redis is unreachable anyway). The
message stays in Redis's unacked set, from which kombu restores it after the visibility timeout; our
tasks are idempotent and the outbox sweeper re-queues emails long before that.
"""

import logging

from kombu.transport import redis

logger = logging.getLogger(__name__)


class QoS(redis.QoS):
    def restore_unacked(self, client=None):
        if client is None and self.channel.connection.client is None:
            logger.warning(
                "Broker connection lost with %d unacknowledged message(s); Redis restores them after the "
                "visibility timeout.",
                len(self._delivered),
            )
            self._delivered.clear()
            return None
        return super().restore_unacked(client)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
