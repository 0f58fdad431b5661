"""A Redis cache that degrades to "no cache" while Redis cannot be reached, instead of failing requests.

Nothing the portal keeps in the cache is the only copy of anything: the site profile and calendar
feeds are rebuilt from the database, rate-limit counters start again. So when Redis is down, every
read is a miss, every write is dropped and a warning is logged; pages keep working. After a failure
the backend leaves Redis alone for ``RETRY_SECONDS`` (so a dead server costs one connection attempt
per process and window, not one per cache call), then tries again.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 2.0

# Django gives each thread its own backend instance; the outage is shared per process and server.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    """Django's RedisCache; while Redis is unreachable it answers like an empty cache that keeps nothing."""

    def _servers_key(self) -> str:
        return ",".join(self._servers)

    def _call(self, operation: str, fallback, method, *args, **kwargs):
        key = self._servers_key()
        if _down_until.get(key, 0.0) > time.monotonic():
            return fallback()
        try:
            result = method(*args, **kwargs)
        except UNREACHABLE as exc:
            with _lock:
                first = _down_until.get(key, 0.0) <= time.monotonic()
                _down_until[key] = time.monotonic() + RETRY_SECONDS
            if first:
                logger.warning(
                    "Cache unreachable during %s (%s: %s); serving without cache, next try in %ss.",
                    operation,
                    type(exc).__name__,
                    exc,
                    RETRY_SECONDS,
                )
            return fallback()
        if key in _down_until:
            with _lock:
                if _down_until.pop(key, None) is not None:
                    logger.warning("Cache reachable again.")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")

        return self._call("incr", missing, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, super().delete_many, keys, version)

    def clear(self):
        return self._call("clear", lambda: False, super().clear)
