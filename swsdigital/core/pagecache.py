"""Whole-page cache for anonymous visitors, invalidated whenever public content changes.

Views opt in with ``@page_cached``. A stored page lives under a *generation*: any committed write to a
watched model (``page_cache_watch``) starts a new one, and so does the next moment at which content
changes by the clock alone (an embargo lifting, an event starting, registration opening), which the
apps report through ``page_cache_boundary``. So a visitor never sees a page older than the last edit.
Per-visitor parts of a cached page — CSRF tokens, the forms' fill-time stamp, the application's submission
token (``page_cache_fresh_field``) — are renewed on every hit.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

_GEN_KEY = "pagecache:gen"
_BOUNDARIES: list[Callable[[datetime], datetime | None]] = []
# Hidden form fields whose value must be new for every visitor: name -> function(request) -> value.
_FRESH_FIELDS: dict[str, Callable] = {"csrfmiddlewaretoken": get_token}
_fresh_pattern: re.Pattern | None = None
# Cookies that do not change what an anonymous visitor sees; any other cookie (session, messages) bypasses.
_NEUTRAL_COOKIES = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
_KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "X-Robots-Tag",
    "Link",
    "Cache-Control",
    "X-Frame-Options",
)
_GZIP_MIN = 1024
_MAX_QUERY = 300  # longer query strings (floods of random filters) are served, not stored


def page_cached(view):
    """Mark a view's successful GET responses as cacheable for anonymous visitors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.page_cacheable = True
        return response

    return wrapper


def page_cache_boundary(func: Callable[[datetime], datetime | None]) -> Callable:
    """Register a function returning the next moment after ``now`` at which public pages change by time."""
    _BOUNDARIES.append(func)
    return func


def page_cache_fresh_field(name: str, value: Callable) -> None:
    """Renew a hidden form field (also with a formset prefix) on every hit, with ``value(request)``."""
    global _fresh_pattern
    _FRESH_FIELDS[name] = value
    _fresh_pattern = None


def _pattern() -> re.Pattern:
    global _fresh_pattern
    if _fresh_pattern is None:
        names = "|".join(re.escape(name) for name in _FRESH_FIELDS)
        _fresh_pattern = re.compile(rf'name="(?:[\w-]+-)?({names})" value="([^"]*)"'.encode())
    return _fresh_pattern


def page_cache_watch(*models) -> None:
    """Start a new cache generation after every committed save or delete of these models."""
    for model in models:
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}")


def _changed(sender, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    page_cache_invalidate()


def page_cache_invalidate() -> None:
    """Start a new generation once the current transaction commits (at once outside one)."""
    if settings.PAGE_CACHE_SECONDS:
        transaction.on_commit(_new_generation)


def _next_boundary(now: datetime) -> float:
    local = timezone.localtime(now)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    moments = [now + timedelta(seconds=settings.PAGE_CACHE_SECONDS), midnight]
    for func in _BOUNDARIES:
        moment = func(now)
        if moment is not None:
            moments.append(moment)
    return min(moments).timestamp()


def _new_generation(*, replace: bool = True) -> dict:
    generation = {"v": secrets.token_hex(6), "until": _next_boundary(timezone.now())}
    try:
        if replace:
            cache.set(_GEN_KEY, generation, timeout=settings.PAGE_CACHE_SECONDS + 60)
        elif not cache.add(_GEN_KEY, generation, timeout=settings.PAGE_CACHE_SECONDS + 60):
            generation = cache.get(_GEN_KEY) or generation  # another process was first
    except Exception:  # a cache outage must not break a write; pages then go uncached
        logger.warning("page cache: could not start a new generation", exc_info=True)
    return generation


def _generation(found) -> str:
    if found is None:
        found = _new_generation(replace=False)
    elif found["until"] <= time.time():
        found = _new_generation()
    return found["v"]


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    if any(name not in _NEUTRAL_COOKIES for name in request.COOKIES):
        return False
    return len(request.META.get("QUERY_STRING", "")) <= _MAX_QUERY


def _page_key(request) -> str:
    query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
    raw = f"{request.get_host()}|{request.path}|{query}|{translation.get_language()}"
    return f"pagecache:page:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def _accepts_gzip(request) -> bool:
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")


def _fresh(request, entry: dict) -> HttpResponse:
    body = entry["body"]
    if entry["fresh"]:

        def renew(match: re.Match) -> bytes:
            value = str(_FRESH_FIELDS[match.group(1).decode()](request)).encode()
            start, end = match.span(2)
            return match.group(0)[: start - match.start()] + value + match.group(0)[end - match.start() :]

        body = _pattern().sub(renew, body)
    compressed = entry["gzip"] is not None and _accepts_gzip(request)
    if compressed:
        body = entry["gzip"]
    elif body is None:
        body = gzip.decompress(entry["gzip"])  # the rare client without gzip
    response = HttpResponse(body, status=entry["status"])
    for name, value in entry["headers"].items():
        response[name] = value
    if entry["gzip"] is not None:
        patch_vary_headers(response, ("Accept-Encoding",))
        if compressed:
            response["Content-Encoding"] = "gzip"
    return response


class PageCacheMiddleware:
    """Serve and store ``@page_cached`` pages for visitors who are not logged in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request) or request.user.is_authenticated:
            return self.get_response(request)
        key = _page_key(request)
        try:
            # One round trip: the current generation and the stored page, which counts only if it belongs to it.
            found = cache.get_many([_GEN_KEY, key])
            generation = _generation(found.get(_GEN_KEY))
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry["gen"] == generation:
            response = _fresh(request, entry)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._storable(request, response):
            self._store(key, generation, response)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _storable(request, response) -> bool:
        session = getattr(request, "session", None)
        return (
            getattr(response, "page_cacheable", False)
            and not response.streaming
            and not response.cookies
            and not (session is not None and session.modified)
        )

    @staticmethod
    def _store(key: str, generation: str, response) -> None:
        body = response.content
        fresh = bool(_pattern().search(body))
        # Large pages without per-visitor parts are kept compressed only (a tenth of the bytes to move from the
        # cache on every hit); pages with tokens never are: compressing secrets beside attacker-chosen text
        # invites BREACH.
        compressed = gzip.compress(body, 6) if not fresh and len(body) > _GZIP_MIN else None
        entry = {
            "gen": generation,
            "body": None if compressed else body,
            "status": response.status_code,
            "headers": {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)},
            "fresh": fresh,
            "gzip": compressed,
        }
        try:
            cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("page cache: could not store a page", exc_info=True)
