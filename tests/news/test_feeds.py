"""RSS and Atom feeds: well-formed, per topic, embargo honoured as the clock moves."""

from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from news.models import NewsItem, Topic

FEEDS = [("news:feed_rss", "rss20"), ("news:feed_atom", "atom10")]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.mark.parametrize(("name", "version"), FEEDS)
def test_feeds_are_well_formed_and_list_visible_items(client, make_item, mint, name, version):
    make_item("Älteste Meldung", published_at=timezone.now() - timedelta(days=3), topics=[mint])
    make_item("Neueste Meldung", lead="Vorspann mit <b>Markup</b> & Sonderzeichen „äöü“")
    make_item("Entwurf", status=NewsItem.Status.DRAFT)
    _response, feed = parse(client, reverse(name))
    assert feed.version == version
    assert [e.title for e in feed.entries] == ["Neueste Meldung", "Älteste Meldung"]
    entry = feed.entries[0]
    assert entry.link.startswith("http://testserver/")
    assert entry.link.endswith(NewsItem.objects.get(title="Neueste Meldung").get_absolute_url())
    assert "Sonderzeichen „äöü“" in entry.summary
    assert entry.published_parsed is not None
    assert [t.term for t in feed.entries[1].tags] == ["MINT"]
    if version == "atom10":
        assert feed.feed.author == "Südwestsachsen Digital e.V."  # required by RFC 4287


@pytest.mark.parametrize(("name", "version"), [("news:topic_feed_rss", "rss20"), ("news:topic_feed_atom", "atom10")])
def test_topic_feeds_contain_only_the_topic(client, make_item, mint, name, version):
    make_item("MINT-Tag an Schulen", topics=[mint])
    make_item("Verwaltung digital")
    _response, feed = parse(client, reverse(name, kwargs={"topic": "mint"}))
    assert feed.version == version
    assert "MINT" in feed.feed.title
    assert [e.title for e in feed.entries] == ["MINT-Tag an Schulen"]


def test_unknown_topic_feed_is_404(client, db):
    assert client.get(reverse("news:topic_feed_rss", kwargs={"topic": "gibt-es-nicht"})).status_code == 404


def test_feeds_follow_the_clock_through_an_embargo(client, make_item, monkeypatch):
    due = timezone.now() + timedelta(hours=5)
    make_item("Sperrfrist-Meldung", published_at=due)
    for name, _version in FEEDS:
        _response, feed = parse(client, reverse(name))
        assert feed.entries == []
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=5, seconds=1))
    for name, _version in FEEDS:
        _response, feed = parse(client, reverse(name))
        assert [e.title for e in feed.entries] == ["Sperrfrist-Meldung"]


def test_feed_language_and_links_follow_the_url(client, make_item, mint):
    item = make_item("Netzwerk", topics=[mint])
    with translation.override("en"):
        url, detail = reverse("news:feed_rss"), item.get_absolute_url()
    _response, feed = parse(client, url)
    assert feed.feed.language == "en"
    assert feed.entries[0].link.endswith(detail)
    assert [t.term for t in feed.entries[0].tags] == ["STEM"]


def test_feeds_are_advertised_on_list_and_detail(client, make_item):
    item = make_item("Netzwerk")
    with translation.override("en"):
        urls = (reverse("news:list"), item.get_absolute_url())
        rss, atom = reverse("news:feed_rss"), reverse("news:feed_atom")
    for url in urls:
        html = client.get(url).content.decode()
        assert f'<link rel="alternate" type="application/rss+xml" title="Press and news (RSS)" href="{rss}">' in html
        assert f'<link rel="alternate" type="application/atom+xml" title="Press and news (Atom)" href="{atom}">' in html


def test_feed_query_count_is_fixed(client, many_items, django_assert_max_num_queries):
    Topic.objects.get(slug="mint")
    with django_assert_max_num_queries(6):
        _response, feed = parse(client, reverse("news:topic_feed_atom", kwargs={"topic": "mint"}))
    assert len(feed.entries) == 30
