"""Hostile URLs (issue 19): every URL pattern of the portal, German, English and the admin's, answers below 500.

Each captured value is sent once as NUL, once overlong (300 characters) and once non-numeric, by GET and
by POST, anonymously and as staff with a second factor; every pattern is also asked by GET with NUL and
huge numbers in the query string, and every admin changelist with them in its own filters, search, date
hierarchy, page and ordering. The NUL guard stays in front, as in production; the specific causes have
their own tests without it (tests/core/test_hostile_urls.py). On PostgreSQL (CI's second stage) this also
covers the database refusing NUL in a string.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pytest
from django.contrib import admin
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver
from django.utils import translation
from django.utils.regex_helper import normalize

from tests.conftest import _cache_clear

pytestmark = pytest.mark.django_db

NUL = "x\x00y"
OVERLONG = "a" * 300
NON_NUMERIC = "abc"
HUGE = "9" * 23  # more than a 64-bit integer, and a year far beyond datetime's range
HOSTILE = (NUL, OVERLONG, NON_NUMERIC, HUGE)
# A value each converter accepts, for the captured values that are not under attack in a request.
PLAIN = {"IntConverter": "1", "UUIDConverter": "00000000-0000-0000-0000-000000000001"}
# Query parameters the portal's own pages read (filters, pagination, calendar month, redirects).
PUBLIC_QUERY = ("q", "page", "series", "topic", "month", "year", "status", "next", "o", "p")


@dataclass(frozen=True)
class Pattern:
    template: str  # "/termine/anmeldung/%(token)s/"
    params: tuple[str, ...]
    converters: tuple[tuple[str, str], ...]
    name: str | None

    def url(self, **values: str) -> str:
        filled = {
            param: quote(values.get(param, PLAIN.get(converter, "x")), safe="") for param, converter in self.converters
        }
        return self.template % filled


def _walk(patterns, prefix: str, converters: dict):
    for entry in patterns:
        regex = prefix + entry.pattern.regex.pattern.removeprefix("^")
        found = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, regex, found)
        else:
            yield regex, found, entry


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the portal as a fillable template, in German and English (the admin once)."""
    seen: dict[str, Pattern] = {}
    for language in ("de", "en"):
        with translation.override(language):
            for regex, converters, entry in _walk(get_resolver().url_patterns, "", {}):
                for template, params in normalize(regex):
                    template = "/" + template
                    seen.setdefault(
                        template,
                        Pattern(
                            template=template,
                            params=tuple(params),
                            converters=tuple((p, type(converters.get(p)).__name__) for p in params),
                            name=entry.name,
                        ),
                    )
    return list(seen.values())


def _changelist_admin(pattern: Pattern):
    for model, model_admin in admin.site._registry.items():
        if pattern.name == f"{model._meta.app_label}_{model._meta.model_name}_changelist":
            return model_admin
    return None


def _changelist_queries(model_admin) -> list[dict]:
    queries = [{"q": NUL}, {"p": HUGE}, {"o": HUGE}, {"o": NUL}, {"e": NUL}]
    for entry in model_admin.list_filter:
        if isinstance(entry, str):
            queries += [{entry: NUL}, {f"{entry}__exact": NUL}, {entry: HUGE}, {f"{entry}__exact": HUGE}]
        elif isinstance(entry, tuple) and isinstance(entry[0], str):
            queries += [{entry[0]: NUL}, {entry[0]: HUGE}]
        else:
            queries += [{entry.parameter_name: NUL}]
    if dh := model_admin.date_hierarchy:
        year, month, day = f"{dh}__year", f"{dh}__month", f"{dh}__day"
        queries += [
            {year: HUGE}, {year: NUL}, {year: "9999"}, {year: "0"}, {year: "1"},
            {year: "2024", month: HUGE}, {year: "2024", month: "13"}, {year: "2024", month: "12", day: HUGE},
            {year: "9999", month: "12", day: "31"}, {year: "1", month: "1", day: "1"},
        ]  # fmt: skip
    return queries


def requests_for(pattern: Pattern) -> list[tuple[str, str]]:
    """Return the (method, URL) pairs sent for one pattern."""
    sent = []
    for param in pattern.params:
        for value in HOSTILE:
            url = pattern.url(**{param: value})
            sent += [("get", url), ("post", url)]
    plain = pattern.url()
    sent.append(("get", f"{plain}?{urlencode({**dict.fromkeys(PUBLIC_QUERY, NUL), NUL: '1'})}"))
    sent.append(("get", f"{plain}?{urlencode(dict.fromkeys(PUBLIC_QUERY, HUGE))}"))
    if model_admin := _changelist_admin(pattern):
        sent += [("get", f"{plain}?{urlencode(query)}") for query in _changelist_queries(model_admin)]
    return sent


PATTERNS = url_patterns()
GUARD = "swsdigital.core.nulguard.NulGuardMiddleware"
PROJECT = ("members.", "events.", "news.", "newsletter.", "swsdigital.")
# Admin pages of other packages' models (auth's groups, allauth's addresses and authenticators): without
# the guard, NUL in their filters is theirs to handle; with it, they answer 400 like every other page.
THIRD_PARTY_ADMIN = tuple(
    f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    for model, model_admin in admin.site._registry.items()
    if not type(model_admin).__module__.startswith(PROJECT)
)


@pytest.fixture(params=["anonymous", "staff"])
def clients(request, settings):
    """The portal as it runs, and the same without its NUL guard: the views' own defences."""
    guarded, unguarded = Client(), Client()
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != GUARD]):
        unguarded.handler.load_middleware()
    if request.param == "staff":
        user = request.getfixturevalue("admin_user")
        guarded.force_login(user)
        unguarded.force_login(user)
    return guarded, unguarded


def _answer(client, method: str, url: str) -> int | str:
    _cache_clear()  # every request starts below the rate limits, so a 429 hides nothing
    try:
        return getattr(client, method)(url).status_code
    except Exception as exc:  # the test client re-raises what would be a 500
        return f"{type(exc).__name__}: {exc}"


def test_the_fuzz_covers_every_url_pattern():
    assert len(PATTERNS) > 250
    names = {p.name for p in PATTERNS}
    assert {"registration", "registration_ics", "checkin", "media", "members_membershipapplication_decide"} <= names
    assert any(p.template.startswith("/en/") for p in PATTERNS)
    assert any(p.template.startswith("/admin/") for p in PATTERNS)
    assert sum(len(requests_for(p)) for p in PATTERNS) > 1000


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.template)
def test_hostile_values_never_give_a_server_error(clients, pattern, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    guarded, unguarded = clients
    failures = []
    for method, url in requests_for(pattern):
        answer = _answer(guarded, method, url)
        has_nul = "%00" in url
        if has_nul and answer != 400:
            failures.append(f"{method.upper()} {url[:120]} -> {answer}, not the NUL guard's 400")
        elif not isinstance(answer, int) or answer >= 500:
            failures.append(f"{method.upper()} {url[:120]} -> {answer}")
        if has_nul and not pattern.template.startswith(THIRD_PARTY_ADMIN):
            answer = _answer(unguarded, method, url)
            if not isinstance(answer, int) or answer >= 500:
                failures.append(f"{method.upper()} {url[:120]} -> {answer} without the NUL guard")
    assert not failures, "\n".join(failures)
