"""sitemap.xml (pages and press, both languages, embargo honoured) and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone, translation

from news.models import NewsItem
from swsdigital.pages import demo as pages_demo

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _xml(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own response


def section_urls(client) -> list[str]:
    """The section sitemaps the index at /sitemap.xml points to."""
    index = _xml(client, "/sitemap.xml")
    return [loc.text.removeprefix("http://testserver") for loc in index.findall("s:sitemap/s:loc", NS)]


def locations(client) -> list[str]:
    """Every page URL reachable from /sitemap.xml."""
    locs = []
    for url in section_urls(client):
        root = _xml(client, url)
        locs += [loc.text.removeprefix("http://testserver") for loc in root.findall("s:url/s:loc", NS)]
    return locs


def test_sitemap_lists_static_and_legal_pages_in_both_languages(client, db):
    pages_demo.load()
    locs = locations(client)
    for path in ("/", "/en/", "/presse/", "/en/press/", "/termine/", "/en/events/", "/impressum/", "/en/imprint/"):
        assert path in locs, path


def test_sitemap_has_hreflang_alternates(client, make_item):
    item = make_item("Netzwerk", title_en="Network")
    root = _xml(client, "/sitemap-news.xml")
    with translation.override("en"):
        english = item.get_absolute_url()
    with translation.override("de"):
        german = item.get_absolute_url()
    for url in root.findall("s:url", NS):
        if url.find("s:loc", NS).text.endswith(german):
            langs = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
            assert langs["en"].endswith(english) and langs["de"].endswith(german)
            assert "x-default" in langs
            assert url.find("s:lastmod", NS) is not None
            break
    else:
        raise AssertionError("item missing from sitemap")


def test_sitemap_honours_drafts_and_embargo(client, make_item, monkeypatch):
    visible = make_item("Sichtbar")
    draft = make_item("Entwurf", status=NewsItem.Status.DRAFT)
    scheduled = make_item("Geplant", published_at=timezone.now() + timedelta(days=1))
    locs = locations(client)
    assert visible.get_absolute_url() in locs
    assert draft.get_absolute_url() not in locs
    assert scheduled.get_absolute_url() not in locs
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=1, minutes=1))
    locs = locations(client)
    assert scheduled.get_absolute_url() in locs
    assert draft.get_absolute_url() not in locs


def test_sitemap_index_and_sections_keep_a_fixed_query_count(client, many_items, django_assert_max_num_queries):
    client.get("/robots.txt")
    client.get("/")  # warm the cached site profile (context processor)
    # Legal pages, the savepoint pair, and per section what it needs to count its pages:
    # news (latest change, items), members, events (latest change, items).
    with django_assert_max_num_queries(9):
        sections = section_urls(client)
    assert sections[0] == "/sitemap-pages.xml"
    assert "/sitemap-news.xml" in sections
    with django_assert_max_num_queries(4):
        root = _xml(client, "/sitemap-news.xml")
    assert len(root.findall("s:url", NS)) == 2000  # a full page: 1,000 of the 2,000 items in two languages
    assert "/sitemap-news.xml?p=2" in sections


def test_large_sitemaps_are_split_into_pages(client, many_items, monkeypatch):
    from news.sitemaps import NewsSitemap

    monkeypatch.setattr(NewsSitemap, "limit", 1500)
    sections = section_urls(client)
    assert [s for s in sections if "news" in s] == [
        "/sitemap-news.xml",
        "/sitemap-news.xml?p=2",
        "/sitemap-news.xml?p=3",
    ]
    locs = locations(client)
    assert len([loc for loc in locs if "meldung-" in loc]) == 4000
    assert len(set(locs)) == len(locs)
    assert client.get("/sitemap-news.xml?p=9").status_code == 404
    assert client.get("/sitemap-unknown.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_hides_private_areas(client, settings, db):
    settings.SITE_URL = "https://sws-digital.example"
    response = client.get("/robots.txt")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in body
    assert "Sitemap: https://sws-digital.example/sitemap.xml" in body  # the index
    assert "Disallow: /admin/" in body
    with translation.override("de"):
        preview = reverse("news:preview", kwargs={"pk": 1}).rsplit("/", 2)[0] + "/"
    assert f"Disallow: {preview}" in body
    assert "Disallow: /\n" not in body
