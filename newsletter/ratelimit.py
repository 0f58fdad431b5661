"""A global send rate shared by every worker: a token bucket in Redis (a window counter in other caches)."""

import time

from django.conf import settings
from django.core.cache import cache, caches

_KEY = "newsletter:send-rate"

# Refill by elapsed time, take up to what is wanted, return how many were granted; atomic in Redis.
_LUA_TAKE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then tokens = capacity; ts = now end
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local granted = math.min(want, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], 3600)
return granted
"""


def _redis_client():
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]  # the backend itself: `cache` is a proxy that is no RedisCache instance
    if isinstance(backend, RedisCache):
        return backend._cache.get_client(write=True), backend.make_and_validate_key(_KEY)
    return None, None


class SendRateLimiter:
    """Block until sending is allowed under ``NEWSLETTER_RATE_PER_MINUTE`` across all processes."""

    def __init__(self, *, per_minute: int | None = None, chunk: int = 10):
        self.per_minute = settings.NEWSLETTER_RATE_PER_MINUTE if per_minute is None else per_minute
        self.per_second = self.per_minute / 60.0
        # One second of burst; at least one token so that slow rates still send.
        self.capacity = max(1, int(self.per_second))
        self.chunk = max(1, min(chunk, self.capacity))
        self._held = 0
        self._client, self._key = _redis_client()
        self._script = self._client.register_script(_LUA_TAKE) if self._client is not None else None

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def _take(self, want: int) -> int:
        if self._script is not None:
            return int(self._script(keys=[self._key], args=[self.per_second, self.capacity, want]))
        # Other caches: a counter per window of one token's worth of time (or one second).
        window = max(1.0, 1.0 / self.per_second)
        per_window = max(1, round(self.per_second * window))
        key = f"{_KEY}:{int(time.time() // window)}"
        cache.add(key, 0, timeout=int(window) + 5)
        try:
            used = cache.incr(key, want)
        except ValueError:
            cache.set(key, want, timeout=int(window) + 5)
            used = want
        granted = max(0, min(want, per_window - (used - want)))
        return granted

    def acquire(self) -> None:
        """Take one token, waiting as long as the bucket is empty."""
        if not self.enabled:
            return
        while self._held == 0:
            self._held = self._take(self.chunk)
            if self._held == 0:
                time.sleep(min(1.0, max(0.01, 1.0 / self.per_second / 2)))
        self._held -= 1
