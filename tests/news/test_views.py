"""Public pages of the press room: list, filters, bad input, detail, embargo, preview, markup, budgets."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from news import services
from news.models import NewsItem

from .conftest import jpeg_upload


def test_list_shows_visible_items_with_cards(client, make_item, mint):
    make_item("Netzwerk wächst", dateline_place="Plauen", topics=[mint])
    make_item("Geheim", status=NewsItem.Status.DRAFT)
    make_item("Sperrfrist", published_at=timezone.now() + timedelta(days=1))
    response = client.get(reverse("news:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Netzwerk wächst" in html
    assert "Geheim" not in html and "Sperrfrist" not in html
    assert 'type="application/rss+xml"' in html and 'type="application/atom+xml"' in html


def test_list_filters_and_search(client, make_item, mint):
    make_item("Schulen und MINT", kind=NewsItem.Kind.NEWS, topics=[mint])
    make_item("Bilanz des Jahres", kind=NewsItem.Kind.PRESS_RELEASE)
    html = client.get(reverse("news:list"), {"topic": "mint"}).content.decode()
    assert "Schulen und MINT" in html and "Bilanz des Jahres" not in html
    # A topic page advertises the topic's own feeds.
    assert reverse("news:topic_feed_rss", kwargs={"topic": "mint"}) in html
    html = client.get(reverse("news:list"), {"kind": "press_release"}).content.decode()
    assert "Bilanz des Jahres" in html and "Schulen und MINT" not in html
    html = client.get(reverse("news:list"), {"q": "Bilanz"}).content.decode()
    assert "Bilanz des Jahres" in html and "Schulen und MINT" not in html
    assert 'name="robots" content="noindex, follow"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "bogus"},
        {"topic": "does-not-exist"},
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"page": "999"},
        {"page": "-1"},
        {"page": "x"},
        {"q": "x" * 5000},
        {"q": "\x00<script>"},
        {"kind": ["news", "report"], "year": ""},
    ],
)
def test_bad_filter_values_give_a_clean_page(client, make_item, params):
    make_item("Meldung")
    response = client.get(reverse("news:list"), params)
    # NUL never reaches a view: the portal's own 400 page answers it (issue 19); everything else is a clean list.
    assert response.status_code == (400 if any("\x00" in str(v) for v in params.values()) else 200)
    assert "<script>" not in response.content.decode().split("</head>")[1].replace("<script src=", "")


def test_unknown_filter_is_ignored_not_applied(client, make_item):
    make_item("Meldung")
    html = client.get(reverse("news:list"), {"kind": "bogus", "topic": "nope", "q": "Meldung"}).content.decode()
    assert "Meldung" in html
    assert "invalid-feedback" not in html and "is-invalid" not in html  # ignored, not reported
    assert 'value="Meldung"' in html  # the valid part of the query is kept


def test_pagination_keeps_filters(client, make_item, mint):
    for n in range(14):
        make_item(f"MINT {n}", topics=[mint], published_at=timezone.now() - timedelta(hours=n + 1))
    html = client.get(reverse("news:list"), {"topic": "mint"}).content.decode()
    assert "?page=2&amp;topic=mint" in html
    page2 = client.get(reverse("news:list"), {"topic": "mint", "page": "2"}).content.decode()
    assert "MINT 13" in page2 and "MINT 0<" not in page2


def test_detail_shows_dateline_images_credits_attachments_and_contact(client, make_item, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from news.models import NewsAttachment, PressContact

    contact = PressContact.objects.create(name="Anna Presse", role="Pressesprecherin", email="presse@example.org")
    item = make_item(
        "Minister besucht Netzwerk",
        dateline_place="Plauen",
        published_at=datetime(2019, 5, 3, 9, tzinfo=ZoneInfo("Europe/Berlin")),
        body="<h2>Zahlen</h2><ul><li><p>47 Mitglieder</p></li></ul>",
        press_contact=contact,
    )
    services.news_image_add(
        item=item, upload=jpeg_upload(), alt_text="Podium", caption="Gespräch", credit="Jana Beispiel (SWS Digital)"
    )
    services.news_attachment_save(
        attachment=NewsAttachment(item=item, title="Pressemappe", file=SimpleUploadedFile("m.pdf", b"%PDF-1.4"))
    )
    with translation.override("de"):
        response = client.get(item.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Plauen, <time" in html and "3. Mai 2019" in html
    assert 'alt="Podium"' in html
    assert "Jana Beispiel (SWS Digital)" in html
    assert "Pressemappe" in html and "PDF" in html
    assert "Anna Presse" in html and "mailto:presse@example.org" in html
    assert "<h2>Zahlen</h2>" in html and "<li><p>47 Mitglieder</p></li>" in html


def test_detail_has_opengraph_and_newsarticle_markup(client, make_item, media_root):
    item = make_item("Digitaler Gipfel", lead="Ein Vorspann </script><script>alert(1)</script>")
    services.news_image_add(item=item, upload=jpeg_upload(), alt_text="Saal")
    html = client.get(item.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Digitaler Gipfel">' in html
    assert re.search(r'<meta property="og:image" content="http://[^"]+/media/news/images/', html)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1  # the lead's </script> did not break out
    data = json.loads(blocks[0])
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Digitaler Gipfel"
    assert data["description"].startswith("Ein Vorspann </script>")
    assert data["image"][0].endswith(".jpg")
    assert "<script>alert(1)</script>" not in html


def test_rich_text_cannot_inject_script_or_styles(client, make_item):
    body = (
        "<p>Text <script>alert('x')</script></p><style>body{display:none}</style>"
        '<img src=x alt="Bild" onerror="alert(1)"><p><a href="javascript:alert(1)">klick</a></p>'
        '<p style="color:red">rot</p>'
    )
    item = make_item("Angriff", body=body)
    html = client.get(item.get_absolute_url()).content.decode()
    article = html.split('<div class="news-body richtext">')[1].split("</div>")[0]
    assert "<script" not in article and "<style" not in article
    assert "onerror" not in article and "javascript:" not in article and "style=" not in article
    assert "rot" in article


def test_embargoed_and_draft_items_are_404_until_due(client, make_item, monkeypatch):
    due = timezone.now() + timedelta(hours=2)
    scheduled = make_item("Sperrfrist bis morgen", published_at=due)
    draft = make_item("Entwurf", status=NewsItem.Status.DRAFT)
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    # Move the clock past the embargo.
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=2, minutes=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 200
    assert "Sperrfrist bis morgen" in client.get(reverse("news:list")).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_unknown_slug_is_a_clean_404(client, db):
    assert client.get(reverse("news:detail", kwargs={"slug": "gibt-es-nicht"})).status_code == 404


def test_preview_is_for_staff_only(staff_client, make_item):
    from django.test import Client

    item = make_item("Entwurf mit Sperrfrist", published_at=timezone.now() + timedelta(days=3))
    url = reverse("news:preview", kwargs={"pk": item.pk})
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "Entwurf" not in anonymous.content.decode()
    response = staff_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Entwurf mit Sperrfrist" in html
    assert 'content="noindex, nofollow"' in html and response["X-Robots-Tag"] == "noindex, nofollow"
    assert staff_client.get(reverse("news:preview", kwargs={"pk": 999999})).status_code == 404


def test_home_page_shows_news_cards(client, make_item, mint):
    make_item("Neu auf der Startseite", topics=[mint])
    html = client.get(reverse("pages:home")).content.decode()
    assert "Neu auf der Startseite" in html
    assert 'class="card news-card' in html


def test_english_list_and_detail(client, make_item, mint):
    item = make_item("Netzwerk", topics=[mint], kind=NewsItem.Kind.REPORT)
    with translation.override("en"):
        list_url, detail_url = reverse("news:list"), item.get_absolute_url()
    assert list_url == "/en/press/"
    html = client.get(list_url).content.decode()
    assert "Report" in html and "#STEM" in html
    assert client.get(detail_url).status_code == 200


def test_list_query_budget_with_2000_items(client, many_items, django_assert_max_num_queries):
    client.get(reverse("pages:home"))  # warm the profile cache
    year = str(timezone.localtime(many_items[0].published_at).year)
    for params in ({}, {"topic": "mint", "page": "50"}, {"kind": "news", "year": year}, {"q": "Vorspann", "page": "3"}):
        with django_assert_max_num_queries(8):  # 6 queries + the request savepoint pair
            response = client.get(reverse("news:list"), params)
        assert response.status_code == 200
        assert response.content.decode().count('class="card news-card') == 12


def test_detail_query_budget_with_2000_items(client, many_items, django_assert_max_num_queries):
    from tests.news.test_related_events import make_event

    many_items[1000].related_events.add(*[make_event(f"Termin {n}", days=n + 1) for n in range(5)])
    client.get(reverse("pages:home"))
    with django_assert_max_num_queries(7):  # item, images, topics, attachments, related events + savepoints
        response = client.get(many_items[1000].get_absolute_url())
    assert response.status_code == 200
    assert "Meldung 1000" in response.content.decode()


def test_home_page_query_budget_with_2000_items(client, many_items, django_assert_max_num_queries):
    client.get(reverse("pages:home"))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("pages:home")).status_code == 200


def test_german_paths_and_texts(client, make_item, mint):
    item = make_item("Netzwerk wächst", slug="netzwerk-waechst", kind=NewsItem.Kind.PRESS_RELEASE, topics=[mint])
    with translation.override("de"):
        assert item.get_absolute_url() == "/presse/netzwerk-waechst/"
        assert reverse("news:feed_rss") == "/presse/feeds/rss/"
        assert reverse("news:topic_feed_atom", kwargs={"topic": "mint"}) == "/presse/feeds/mint/atom/"
        assert reverse("news:preview", kwargs={"pk": 7}) == "/presse/vorschau/7/"
    html = client.get("/presse/").content.decode()
    assert '<h1 class="mb-0">Presse und Aktuelles</h1>' in html and "Pressemitteilung" in html
    assert 'hreflang="en" href="http://127.0.0.1:8000/en/press/"' in html
    detail = client.get("/presse/netzwerk-waechst/").content.decode()
    assert "Pressekontakt" not in detail  # no contact set
    assert 'href="/en/press/netzwerk-waechst/"' in detail


@given(
    params=st.dictionaries(
        st.sampled_from(["q", "kind", "topic", "year", "page", "other"]),
        st.text(max_size=300),
        max_size=6,
    )
)
@hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_query_string_gives_a_page(client, make_item, params):
    if not NewsItem.objects.exists():
        make_item("Meldung")
    params = {k: v.replace("\x00", "") for k, v in params.items()}
    assert client.get(reverse("news:list"), params).status_code == 200


def test_german_text_is_marked_as_german_on_english_pages(client, make_item):
    item = make_item("Netzwerk wächst")
    with translation.override("en"):
        english_detail, english_list = item.get_absolute_url(), reverse("news:list")
    detail = client.get(english_detail).content.decode()
    note = '<small class="translation-note" lang="de">(auf Deutsch)</small>'
    assert f'<h1><span lang="de">Netzwerk wächst</span> {note}</h1>' in detail
    assert '<span lang="de">Netzwerk wächst</span>' in client.get(english_list).content.decode()
    with translation.override("de"):
        german_detail = item.get_absolute_url()
    german = client.get(german_detail).content.decode()
    assert 'lang="de">Netzwerk' not in german and "(auf Deutsch)" not in german
    assert '"inLanguage": "de"' in german


def test_embargoed_preview_needs_the_press_permission_and_a_second_factor(staff_login, make_item):
    """Issue 19.2: staff without the permission, or without TOTP, never see an embargoed item."""
    item = make_item("Sperrfrist bis Montag", published_at=timezone.now() + timedelta(days=3))
    url = reverse("news:preview", kwargs={"pk": item.pk})
    denied = staff_login().get(url)
    assert denied.status_code == 403 and "Sperrfrist" not in denied.content.decode()
    no_totp = staff_login(superuser=True, second_factor=False).get(url)
    assert no_totp.status_code == 302 and "/totp/" in no_totp["Location"]
    assert "Sperrfrist bis Montag" in staff_login("news.view_newsitem").get(url).content.decode()
