"""kombu's Redis transport, made to survive losing the broker while a message is unacknowledged.

When the connection to Redis breaks, the Celery consumer collects the connection (which detaches the
transport from it), closes it and reconnects. kombu 5.7 then trips over the old channel twice while
an ``acks_late`` task is still in flight:

- closing the channel restores the unacknowledged message through the detached transport, and
- when the task finishes, its acknowledgement goes to the old, closed channel,

and both raise ``AttributeError`` (``'NoneType' object has no attribute 'hostname'`` / ``'client'``),
which Celery treats as unrecoverable: the worker exits instead of working on.

Here both are skipped with a warning when the channel's transport is gone. The message stays in
Redis's unacked set, from which kombu restores it after the visibility timeout; our tasks are
idempotent, and the outbox sweeper re-queues emails long before that.
"""

import logging

from kombu.transport import redis

logger = logging.getLogger(__name__)


class QoS(redis.QoS):
    def _detached(self) -> bool:
        transport = self.channel.connection
        return transport is None or transport.client is None

    def restore_unacked(self, client=None):
        if client is None and self._detached():
            logger.warning(
                "Broker connection lost with %d unacknowledged message(s); Redis restores them after the "
                "visibility timeout.",
                len(self._delivered),
            )
            self._delivered.clear()
            return None
        return super().restore_unacked(client)

    def ack(self, delivery_tag):
        if self._detached():
            logger.warning("Not acknowledging %s on a channel whose broker connection is gone.", delivery_tag)
            return None
        return super().ack(delivery_tag)

    def reject(self, delivery_tag, requeue=False):
        if self._detached():
            logger.warning("Not rejecting %s on a channel whose broker connection is gone.", delivery_tag)
            return None
        return super().reject(delivery_tag, requeue=requeue)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
