"""Full-text search on PostgreSQL with the German configuration: word forms and ranking."""

import pytest
from django.db import connection
from django.urls import reverse

from news import selectors
from news.models import NewsItem
from news.selectors import NewsFilters

pytestmark = pytest.mark.postgres


def titles(q: str) -> list[str]:
    return [i.title for i in selectors.news_search(filters=NewsFilters(q=q))]


def test_search_vector_is_stored_and_gin_indexed(make_item):
    item = make_item("Digitalisierungen im Vogtland")
    assert NewsItem.objects.get(pk=item.pk).search_vector is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'news_item_search_gin'")
        assert "gin" in cursor.fetchone()[0].lower()


def test_german_word_forms_are_found(make_item):
    make_item("Drei Digitalisierungen im Mittelstand", lead="Beispiele aus dem Erzgebirge.")
    make_item("Werkstatt", lead="Wie Betriebe ihre Abläufe digitalisierten.")
    make_item("Schulbesuch", lead="Die Schulen des Netzwerkes stellen sich vor.")
    make_item("Unverwandt", lead="Ein Konzert im Stadtpark.")
    assert titles("Digitalisierung") == ["Drei Digitalisierungen im Mittelstand"]
    assert titles("digitalisiert") == ["Werkstatt"]
    assert titles("Schule") == ["Schulbesuch"]
    assert titles("Netzwerk") == ["Schulbesuch"]
    assert titles("Quantencomputer") == []


def test_title_matches_rank_above_body_matches(make_item):
    make_item("Kurzmeldung", lead="Termine.", body="Nebenbei ging es auch um Breitband.")
    make_item("Breitband für alle Schulen", lead="Der Ausbau kommt voran.")
    assert titles("Breitband") == ["Breitband für alle Schulen", "Kurzmeldung"]


def test_search_vector_follows_edits(make_item):
    from news import services

    item = make_item("Alter Titel")
    item.title = "Forschungszentrum im Vogtland"
    services.news_item_save(item=item)
    assert titles("Forschungszentrum") == ["Forschungszentrum im Vogtland"]
    assert titles("Titel") == []


def test_search_syntax_from_visitors_is_harmless(make_item):
    make_item("Digitale Verwaltung")
    for q in ['"Digitale Verwaltung', "Verwaltung -", "!!! & | :*", "or or", "'; DROP TABLE x; --"]:
        titles(q)  # websearch syntax never raises
    assert titles('"digitale verwaltung"') == ["Digitale Verwaltung"]


def test_matched_words_are_highlighted_and_the_lead_stays_escaped(client, make_item):
    make_item("Bericht", lead="Drei Digitalisierungen <script>alert(1)</script> im Vogtland.")
    html = client.get(reverse("news:list"), {"q": "Digitalisierung"}).content.decode()
    assert "Drei <mark>Digitalisierungen</mark> &lt;script&gt;alert(1)&lt;/script&gt; im Vogtland." in html
    assert "<script>alert(1)" not in html
