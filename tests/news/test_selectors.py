"""Reads of the press room: embargo, order, filters and the SQLite search fallback."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from news import selectors
from news.models import NewsItem
from news.selectors import NewsFilters


def test_embargoed_item_appears_when_its_time_comes(make_item):
    now = timezone.now()
    due = now + timedelta(hours=3)
    make_item("Schon da", published_at=now - timedelta(minutes=1))
    make_item("Sperrfrist", published_at=due)
    assert [i.title for i in selectors.news_latest(now=now)] == ["Schon da"]
    assert selectors.news_detail_get(slug="sperrfrist", now=now) is None
    # The clock moves past the embargo: the same selectors show it, newest first.
    later = due + timedelta(seconds=1)
    assert [i.title for i in selectors.news_latest(now=later)] == ["Sperrfrist", "Schon da"]
    assert selectors.news_detail_get(slug="sperrfrist", now=later).title == "Sperrfrist"


def test_drafts_never_appear(make_item):
    make_item("Entwurf", status=NewsItem.Status.DRAFT)
    assert selectors.news_latest(now=timezone.now() + timedelta(days=365)) == []


def test_news_latest_limits_and_prefetches(make_item, mint, django_assert_num_queries):
    for n in range(5):
        make_item(f"Meldung {n}", published_at=timezone.now() - timedelta(days=n), topics=[mint])
    with django_assert_num_queries(3):  # items, images, topics
        items = selectors.news_latest(limit=3)
        assert [i.title for i in items] == ["Meldung 0", "Meldung 1", "Meldung 2"]
        assert [t.slug for t in items[0].topics.all()] == ["mint"]
        assert items[0].cover is None


def test_filters_by_kind_topic_and_year(make_item, mint):
    berlin = ZoneInfo("Europe/Berlin")
    make_item("Alte Mitteilung", published_at=datetime(2019, 5, 3, 9, tzinfo=berlin), topics=[mint])
    make_item("Rückblick", kind=NewsItem.Kind.REPORT, published_at=datetime(2024, 10, 25, 11, tzinfo=berlin))
    # Just after midnight on New Year's Day in Berlin, but still 2024 in UTC: filed under 2025.
    new_year = datetime(2025, 1, 1, 0, 30, tzinfo=berlin)
    make_item("Meldung", kind=NewsItem.Kind.NEWS, topics=[mint], published_at=new_year)

    def titles(**kw):
        return sorted(i.title for i in selectors.news_search(filters=NewsFilters(**kw)))

    assert titles(kind="report") == ["Rückblick"]
    assert titles(topic="mint") == ["Alte Mitteilung", "Meldung"]
    assert titles(year=2019) == ["Alte Mitteilung"]
    assert titles(year=2025) == ["Meldung"]
    assert titles(topic="mint", kind="news") == ["Meldung"]
    assert selectors.news_years() == [2025, 2024, 2019]


def test_search_finds_words_in_title_lead_and_body(make_item, settings):
    make_item("Schulen digital", lead="Tablets für Plauen", body="<p>Ein <strong>Breitband</strong>-Ausbau</p>")
    make_item("Anderes Thema", lead="Nichts davon")
    for q in ("schulen", "Plauen", "Breitband"):
        assert [i.title for i in selectors.news_search(filters=NewsFilters(q=q))] == ["Schulen digital"], q
    assert list(selectors.news_search(filters=NewsFilters(q="Quantencomputer"))) == []
