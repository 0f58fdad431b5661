"""Whole-page cache for anonymous visitors, invalidated whenever public content changes.

Views opt in with ``@page_cached``. A stored page lives under the *generations* of the sections it shows
(``@page_cached(sections=("events", "registrations"))``; every page also depends on ``"global"``, the shared
layout). Any committed write to a watched model (``page_cache_watch(..., sections=...)``) starts a new
generation of the sections that model feeds, and so does the next moment at which a section's content
changes by the clock alone (an embargo lifting, an event starting, registration opening), which the apps
report through ``page_cache_boundary``. So a visitor never sees a page older than the last edit of what it
shows, and an edit re-renders only the pages that show it.
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

# The sections a page can show. "global" is the shared layout (site profile in header and footer, legal pages):
# every page depends on it, so renewing it renews every page. The others are what the apps publish; a page
# declares the ones it shows, a watched model the ones it feeds (each app's AppConfig.ready()).
SECTIONS = ("global", "events", "registrations", "press", "members", "newsletter")
_GEN_KEY = "pagecache:gen"  # the global generation; a section's is _GEN_KEY + ":" + section
_GEN_KEYS = {section: _GEN_KEY if section == "global" else f"{_GEN_KEY}:{section}" for section in SECTIONS}
# (function, sections it affects or None for all): each returns the next moment a section changes by time.
_BOUNDARIES: list[tuple[Callable[[datetime], datetime | None], tuple[str, ...] | None]] = []
# Watched model (or m2m table) -> the sections its committed changes renew.
_WATCHED: dict[type, tuple[str, ...]] = {}
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


def _sections(names, *, default: tuple[str, ...]) -> tuple[str, ...]:
    if names is None:
        return default
    if isinstance(names, str):
        names = (names,)
    unknown = set(names) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown page cache section(s) {sorted(unknown)}; known: {SECTIONS}")
    return tuple(sorted(set(names) | {"global"}))


def _renewed(sections) -> tuple[str, ...]:
    """The generations a change of these sections renews: "global" alone (every page) if named or none given."""
    chosen = _sections(sections, default=("global",))
    if sections is None or "global" in ([sections] if isinstance(sections, str) else sections):
        return ("global",)
    return tuple(section for section in chosen if section != "global")


def page_cached(view=None, *, sections=None):
    """Mark a view's successful GET responses as cacheable for anonymous visitors.

    ``sections`` names what the page shows; it is stored again after a change to any of them (or to
    "global"). Without it a page depends on every section: correct, only renewed more often than needed.
    """
    depends = _sections(sections, default=SECTIONS)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD") and response.status_code == 200:
                response.page_cacheable = True
                response.page_cache_sections = depends
            return response

        wrapper.page_cache_sections = depends
        return wrapper

    return decorate if view is None else decorate(view)


def page_cache_boundary(func=None, *, sections=None):
    """Register a function returning the next moment after ``now`` at which public pages change by time.

    With ``sections``, the moment ends only those sections' generations; without, every page's.
    """
    scope = None if sections is None else tuple(s for s in _sections(sections, default=()) if s != "global")

    def register(func):
        _BOUNDARIES.append((func, scope or None))
        return func

    return register if func is None else register(func)


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


def page_cache_watch(*models, sections=None) -> None:
    """Renew the given sections (all, without) after every committed save or delete of these models."""
    renews = _renewed(sections)
    for model in models:
        uid = f"pagecache:{model._meta.label}"
        senders = [model, *(field.remote_field.through for field in model._meta.local_many_to_many)]
        for sender in senders:
            _WATCHED[sender] = tuple(sorted({*_WATCHED.get(sender, ()), *renews}))
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}")


def _changed(sender, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    page_cache_invalidate(*_WATCHED.get(sender, ("global",)))


def page_cache_invalidate(*sections: str) -> None:
    """Renew these sections (without any: every page) once the current transaction commits (at once outside one)."""
    names = _renewed(sections or None)
    if settings.PAGE_CACHE_SECONDS:
        transaction.on_commit(lambda: _renew(names))


def _renew(sections: tuple[str, ...]) -> None:
    for section in sections:
        _new_generation(section)


def _next_boundary(now: datetime, section: str | None = None) -> float:
    """Return when a section's generation ends (``None``: the next boundary of any section)."""
    local = timezone.localtime(now)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    moments = [now + timedelta(seconds=settings.PAGE_CACHE_SECONDS), midnight]
    for func, scope in _BOUNDARIES:
        if section is None or (section == "global" and scope is None) or (scope is not None and section in scope):
            moment = func(now)
            if moment is not None:
                moments.append(moment)
    return min(moments).timestamp()


def _new_generation(section: str = "global", *, replace: bool = True) -> dict:
    key = _GEN_KEYS[section]
    generation = {"v": secrets.token_hex(6), "until": _next_boundary(timezone.now(), section)}
    try:
        if replace:
            cache.set(key, generation, timeout=settings.PAGE_CACHE_SECONDS + 60)
        elif not cache.add(key, generation, timeout=settings.PAGE_CACHE_SECONDS + 60):
            generation = cache.get(key) or generation  # another process was first
    except Exception:  # a cache outage must not break a write; pages then go uncached
        logger.warning("page cache: could not start a new generation", exc_info=True)
    return generation


def _generation(found, section: str = "global") -> str:
    if found is None:
        found = _new_generation(section, replace=False)
    elif found["until"] <= time.time():
        found = _new_generation(section)
    return found["v"]


def _generations(found: dict) -> dict[str, str]:
    """Return every section's current generation from a get_many answer, starting those missing or ended."""
    return {section: _generation(found.get(key), section) for section, key in _GEN_KEYS.items()}


def _stamp(sections: tuple[str, ...], generations: dict[str, str]) -> str:
    """The generations a page was stored under: it counts while each of its sections' is still current."""
    return ".".join(generations[section] for section in sections)


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
            # One round trip: every section's generation and the stored page, which counts only while the
            # generations of the sections it shows are those it was stored under (a few bytes each to fetch).
            found = cache.get_many([*_GEN_KEYS.values(), key])
            generations = _generations(found)
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry["gen"] == _stamp(entry.get("sections", SECTIONS), generations):
            response = _fresh(request, entry)
            response["X-Page-Cache"] = "hit"
            return response
        # Read before rendering: a change committed during the render makes this page stale at once.
        response = self.get_response(request)
        if self._storable(request, response):
            self._store(key, generations, response)
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
    def _store(key: str, generations: dict[str, str], response) -> None:
        body = response.content
        fresh = bool(_pattern().search(body))
        # Large pages without per-visitor parts are kept compressed only (a tenth of the bytes to move from the
        # cache on every hit); pages with tokens never are: compressing secrets beside attacker-chosen text
        # invites BREACH.
        compressed = gzip.compress(body, 6) if not fresh and len(body) > _GZIP_MIN else None
        sections = getattr(response, "page_cache_sections", SECTIONS)
        entry = {
            "sections": sections,
            "gen": _stamp(sections, generations),
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
