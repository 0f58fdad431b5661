"""Query budgets: every public page needs as many queries with 10,000 rows as with 10.

The module builds the content once with 10 rows of each list and counts each page's queries, then grows
every list to 10,000 rows (with their topics, series, images, registrations, contacts ...) and
counts again. A page whose count grows loads something per row (N+1); a fixed budget per page
catches queries added without need. The cache is emptied before each count, so cached feeds and
the cached site profile are rendered for real.
"""

from __future__ import annotations

import collections
import re
from dataclasses import dataclass, field

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify

from tests.conftest import _cache_clear
from tests.core.budget_data import SEARCH_WORD, SLUG, BudgetWorld

# Fewer rows than any list shows on a page, so an N+1 changes the count of every list page. The "page 2"
# requests get the last (only) page then, with the same queries as a real second page.
SMALL = 10
LARGE = 10_000


@dataclass(frozen=True)
class Page:
    """A public page: URL name, arguments and query string (``{…}`` filled from the content), and its budget.

    The budget counts every statement, including the SAVEPOINT/RELEASE pair of ATOMIC_REQUESTS.
    """

    id: str
    url_name: str
    budget: int
    kwargs: dict = field(default_factory=dict)
    query: str = ""
    translated: bool = True  # False: the same URL in every language (sitemaps, robots.txt)
    shows: str = ""  # for responses without a template context: text that proves rows were rendered

    def url(self, params: dict) -> str:
        path = reverse(self.url_name, kwargs={k: str(v).format(**params) for k, v in self.kwargs.items()})
        return f"{path}?{self.query.format(**params)}" if self.query else path


PAGES = [
    Page("home", "pages:home", 9),
    Page("events", "events:list", 8),
    Page("events-series", "events:list", 8, query="series={series}"),
    Page("events-topic", "events:list", 8, query="topic={event_topic}"),
    Page("events-format", "events:list", 8, query="format=online"),
    Page("events-region", "events:list", 8, query="region=chemnitz"),
    Page("events-calendar", "events:calendar", 7, query="month={month}"),
    Page("events-archive", "events:archive", 8),
    Page("event-detail", "events:detail", 6, kwargs={"slug": SLUG["event"]}),
    Page("event-ics", "events:ics", 4, kwargs={"slug": SLUG["event"]}, shows="BEGIN:VEVENT"),
    Page("events-feed", "events:feed", 4, shows="BEGIN:VEVENT"),
    Page("events-feed-series", "events:feed", 4, query="series={series}", shows="BEGIN:VEVENT"),
    Page("events-feed-topic", "events:feed", 4, query="topic={event_topic}", shows="BEGIN:VEVENT"),
    Page("press", "news:list", 9),
    Page("press-kind", "news:list", 9, query="kind=press_release"),
    Page("press-topic", "news:list", 9, query="topic={news_topic}"),
    Page("press-year", "news:list", 9, query="year={year}"),
    Page("press-search", "news:list", 9, query=f"q={SEARCH_WORD}"),
    Page("press-page-2", "news:list", 9, query="page=2"),
    Page("press-detail", "news:detail", 8, kwargs={"slug": SLUG["item"]}),
    Page("press-rss", "news:feed_rss", 5, shows="<item>"),
    Page("press-atom", "news:feed_atom", 5, shows="<entry>"),
    Page("press-topic-rss", "news:topic_feed_rss", 6, kwargs={"topic": "{news_topic}"}, shows="<item>"),
    Page("press-topic-atom", "news:topic_feed_atom", 6, kwargs={"topic": "{news_topic}"}, shows="<entry>"),
    Page("directory", "members:directory", 8),
    Page("directory-region", "members:directory", 8, query="region={member_region}"),
    Page("directory-type", "members:directory", 8, query="type={member_type}"),
    Page("directory-topic", "members:directory", 8, query="topic={member_topic}"),
    Page("directory-search", "members:directory", 8, query="q=Software"),
    Page("directory-page-2", "members:directory", 8, query="page=2"),
    Page("member-detail", "members:detail", 6, kwargs={"slug": SLUG["member"]}),
    Page("join", "members:join", 6),
    Page("newsletter", "newsletter:subscribe", 4),
    Page("newsletter-archive", "newsletter:archive", 5),
    Page("newsletter-mailing", "newsletter:mailing", 9, kwargs={"pk": "{mailing_pk}", "slug": "{mailing_slug}"}),
    Page("imprint", "pages:imprint", 4),
    Page("privacy", "pages:privacy", 4),
    Page("accessibility", "pages:accessibility", 4),
    Page("statutes", "pages:statutes", 4),
    Page("login", "account_login", 3),
    Page("sitemap", "sitemap", 10, translated=False, shows="<sitemap>"),
    *[
        # A data section counts its rows, then reads one page of them (pages: one list of legal pages).
        Page(
            f"sitemap-{section}",
            "sitemap_section",
            budget,
            kwargs={"section": section},
            translated=False,
            shows="<url>",
        )
        for section, budget in (("pages", 4), ("news", 5), ("events", 5), ("members", 5))
    ],
    Page("robots", "robots_txt", 2, translated=False, shows="Sitemap:"),
]
CASES = [
    pytest.param(page, language, id=f"{page.id}-{language}")
    for page in PAGES
    for language in (("de", "en") if page.translated else ("de",))
]


def _params(world: BudgetWorld) -> dict:
    month = timezone.localtime(world.target_event.start)
    return {
        "series": world.series[0].slug,
        "event_topic": world.event_topics[0].slug,
        "news_topic": world.news_topics[0].slug,
        "member_topic": world.member_topics[0].slug,
        "member_type": world.types[0].slug,
        "member_region": world.target_member.region,
        "month": f"{month:%Y-%m}",
        "year": timezone.localtime(world.target_item.published_at).year,
        "mailing_pk": world.target_mailing.pk,
        "mailing_slug": slugify(world.target_mailing.subject),
    }


def _queries(world: BudgetWorld, page: Page, language: str) -> list[str]:
    """Return the SQL a fresh anonymous visitor's request of the page runs, with an empty cache."""
    with translation.override(language):
        url = page.url(_params(world))
    _cache_clear()
    with translation.override(language), CaptureQueriesContext(connection) as captured:
        response = Client().get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    _assert_rows_shown(response, page, url)
    return [query["sql"] for query in captured.captured_queries]


def _assert_rows_shown(response, page: Page, url: str) -> None:
    """Fail if a list came out empty: a page without rows would keep any budget."""
    if page.shows:
        assert page.shows in response.content.decode(), f"{url} does not show {page.shows!r}"
        return
    context = response.context or {}
    if "page_obj" in context:
        page_obj = context["page_obj"]
        assert page_obj.object_list, f"{url} lists nothing"
        wanted = min(2 if "page=2" in page.query else 1, page_obj.paginator.num_pages)
        assert page_obj.number == wanted, f"{url} shows page {page_obj.number}"
    if "events" in context:
        assert context["events"], f"{url} shows no events"


@pytest.fixture(scope="module")
def counted(django_db_setup, django_db_blocker):
    """The content at 10,000 rows, and every page's queries at the small scale (all rolled back at the end)."""
    # Real rendering: the page cache stays off here as in every test (it would answer with no query at all).
    with django_db_blocker.unblock(), override_settings(PAGE_CACHE_SECONDS=0), transaction.atomic():
        world = BudgetWorld().build(SMALL)
        small = {(case.values[0].id, case.values[1]): _queries(world, *case.values) for case in CASES}
        world.grow(LARGE)
        # Check the deferred foreign keys of the new rows now, once: otherwise PostgreSQL checks all of them
        # again at the end of every test (pytest-django checks constraints, then rolls back to its savepoint).
        connection.check_constraints()
        yield world, small
        transaction.set_rollback(True)


def _repeated(queries: list[str]) -> str:
    """List the statements that ran more than once apart from their values (what an N+1 looks like)."""
    shapes = collections.Counter(re.sub(r"'[^']*'|\b\d+\b", "?", sql) for sql in queries)
    return "\n".join(f"{n} × {sql[:300]}" for sql, n in shapes.most_common() if n > 1) or "(none repeated)"


@pytest.mark.parametrize(("page", "language"), CASES)
def test_query_count_is_the_same_with_10000_rows(db, counted, page, language, request):
    world, small = counted
    before = small[(page.id, language)]
    after = _queries(world, page, language)
    request.node.user_properties.append(("queries", f"{len(before)} -> {len(after)}"))
    assert len(after) == len(before), (
        f"{page.id} ({language}): {len(before)} queries with {SMALL} rows, {len(after)} with {LARGE}. "
        f"Repeated queries:\n{_repeated(after)}"
    )
    assert len(after) <= page.budget, f"{page.id} ({language}) needs {len(after)} queries; budget {page.budget}"
