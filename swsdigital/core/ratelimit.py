"""Per-IP rate limits on the shared cache, for every public form."""

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest

from .clientip import client_ip

__all__ = ["RateLimited", "client_ip", "rate_limit_hit", "rate_limit_request"]


class RateLimited(Exception):
    """Raised when a client exceeded a limit; RateLimitMiddleware answers 429."""

    def __init__(self, retry_after: int = 60):
        super().__init__(retry_after)
        self.retry_after = retry_after


def rate_limit_hit(*, scope: str, key: str, limit: int, period: int) -> None:
    """Count one hit for (scope, key) in a fixed window; raise RateLimited past the limit."""
    window = int(time.time() // period)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 5)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=period - int(time.time()) % period)


def rate_limit_request(request: HttpRequest, *, scope: str, limit: int, period: int) -> None:
    """Count a POST of this client against the scope's per-IP limit."""
    if request.method == "POST":
        rate_limit_hit(scope=scope, key=client_ip(request), limit=limit, period=period)
