"""kombu's transports with two fixes: Redis survives losing the broker, files appear only when complete.

Redis (production): kombu's Redis transport, made to survive losing the broker while a message is
unacknowledged.

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

Filesystem (``make run``, no Redis): kombu 5.7's ``filesystem`` transport creates a message's file in the
queue folder and writes it afterwards. The worker, polling the folder every 0.2 s, can take the file in
between, reads nothing and stops with "Unrecoverable error: JSONDecodeError" — and ``make run`` with it.
The embedded-default drill hit that within seconds of 4 visitors submitting forms (kombu issue #1551).
Here a message is written under a name the consumer ignores and renamed into place, which is atomic, and
a file that cannot be read all the same (left by a crash of an older version) is logged and skipped; the
outbox sweeper re-queues its email.
"""

import contextlib
import logging
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, redis
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

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


class FilesystemChannel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Write the message where the consumer does not look, then rename it into the queue (atomic)."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"  # kombu's order and pattern
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.partial")  # never matches "<n>.<queue>.msg"
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue):
        while True:  # each failed try has taken its file out of the queue; Empty ends the loop
            try:
                return super()._get(queue)
            except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
                logger.error("Skipped an unreadable message file in the %r queue: %s", queue, exc)


class FilesystemTransport(filesystem.Transport):
    Channel = FilesystemChannel
