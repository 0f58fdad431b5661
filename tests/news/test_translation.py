"""Press items in German and English (issue 16): honest fallbacks, languages in feeds and JSON-LD, German only."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from news import selectors
from news.models import NewsItem
from news.selectors import NewsFilters
from swsdigital.core.roles import EDITORS
from tests.news.test_sitemaps import NS, _xml

pytestmark = pytest.mark.django_db

NOTE = '<small class="translation-note" lang="de">(auf Deutsch)</small>'
DC = "{http://purl.org/dc/elements/1.1/}language"


def _url(item: NewsItem, language: str) -> str:
    with translation.override(language):
        return item.get_absolute_url()


def _english(name: str = "news:list") -> str:
    with translation.override("en"):
        return reverse(name)


@pytest.fixture
def german(make_item):
    return make_item("Netzwerk wächst", lead="Zwölf neue Mitglieder.", body="<p>Mehr Betriebe.</p>")


@pytest.fixture
def bilingual(make_item):
    return make_item(
        "Neue Partner",
        lead="Drei Hochschulen kommen dazu.",
        body="<p>Deutsch.</p>",
        title_en="New partners",
        lead_en="Three universities join.",
        body_en="<p>English.</p>",
    )


def test_the_english_page_marks_each_german_text(client, german):
    html = client.get(_url(german, "en")).content.decode()
    assert f'<h1><span lang="de">Netzwerk wächst</span> {NOTE}</h1>' in html
    assert f'<span lang="de">Zwölf neue Mitglieder.</span> {NOTE}' in html
    assert '<div lang="de"><p>Mehr Betriebe.</p>' in html
    listed = client.get(_english()).content.decode()
    assert (
        '<span lang="de">Netzwerk wächst</span>' in listed and '<span lang="de">Zwölf neue Mitglieder.</span>' in listed
    )


def test_english_texts_are_shown_without_a_mark(client, bilingual):
    html = client.get(_url(bilingual, "en")).content.decode()
    assert "<h1>New partners</h1>" in html and "Three universities join." in html and "<p>English.</p>" in html
    assert "(auf Deutsch)" not in html and "Neue Partner" not in html
    assert "New partners" in client.get(_english()).content.decode()
    german = client.get(_url(bilingual, "de")).content.decode()
    assert "<h1>Neue Partner</h1>" in german and "(auf Deutsch)" not in german and "(in English)" not in german


def test_the_home_page_marks_german_press_titles(client, german):
    html = client.get(_english("pages:home")).content.decode()
    assert '<span lang="de">Netzwerk wächst</span>' in html


def test_an_item_written_in_english_only_is_marked_english_on_the_german_page(client, make_item):
    item = NewsItem.objects.get(pk=make_item("x").pk)
    NewsItem.objects.filter(pk=item.pk).update(title_de="", lead_de="", title_en="Only in English", lead_en="Lead.")
    html = client.get(_url(item, "de")).content.decode()
    assert (
        '<h1><span lang="en">Only in English</span> <small class="translation-note" lang="en">(in English)</small>'
        in html
    )
    assert '"inLanguage": "en"' in html


def test_json_ld_and_opengraph_name_the_texts_real_language(client, german, bilingual):
    fallback = client.get(_url(german, "en")).content.decode()
    assert '"inLanguage": "de"' in fallback and '<meta property="og:locale" content="de_DE">' in fallback
    english = client.get(_url(bilingual, "en")).content.decode()
    assert '"inLanguage": "en"' in english and '<meta property="og:locale" content="en_GB">' in english
    assert '"headline": "New partners"' in english


@pytest.mark.parametrize("name", ["news:feed_rss", "news:feed_atom"])
def test_each_feed_item_names_its_language(client, german, bilingual, name):
    with translation.override("en"):
        url = reverse(name)
    root = ET.fromstring(client.get(url).content)  # noqa: S314 - our own response
    entries = root.iter("item") if name.endswith("rss") else root.iter("{http://www.w3.org/2005/Atom}entry")
    languages = {}
    for entry in entries:
        title = entry.find("title") if name.endswith("rss") else entry.find("{http://www.w3.org/2005/Atom}title")
        languages[title.text] = entry.find(DC).text
    assert languages == {"Netzwerk wächst": "de", "New partners": "en"}


def test_the_sitemap_lists_english_alternates_only_where_english_exists(client, german, bilingual, make_item):
    marked = make_item("Nur für die Region", title_en="For the region only", german_only=True)
    root = _xml(client, "/sitemap-news.xml")
    alternates, locations = {}, set()
    for url in root.findall("s:url", NS):
        loc = url.find("s:loc", NS).text.removeprefix("http://testserver")
        locations.add(loc)
        alternates[loc] = {link.get("hreflang") for link in url.findall("x:link", NS)}
    for item in (german, marked):
        assert alternates[_url(item, "de")] == {"de", "x-default"}
        assert _url(item, "en") not in locations
    assert alternates[_url(bilingual, "de")] == {"de", "en", "x-default"}
    assert alternates[_url(bilingual, "en")] == {"de", "en", "x-default"}
    # Still on the English site, with the German text marked.
    html = client.get(_url(marked, "en")).content.decode()
    assert "For the region only" in html  # its English title was written anyway; the flag only hides it there
    assert client.get(_url(german, "en")).status_code == 200


def test_the_admin_filters_by_english_version_and_skips_german_only(staff_login, german, bilingual, make_item):
    marked = make_item("Nur für die Region", german_only=True)
    client = staff_login(roles=(EDITORS,))
    changelist = reverse("admin:news_newsitem_changelist")

    def listed(query: str) -> set[int]:
        return {row.pk for row in client.get(changelist + query).context["cl"].result_list}

    assert listed("?english=missing") == {german.pk}
    assert listed("?english=present") == {bilingual.pk}
    assert listed("") == {german.pk, bilingual.pk, marked.pk}


def test_the_dashboard_counts_press_items_without_english(staff_login, german, bilingual, make_item):
    make_item("Nur für die Region", german_only=True)
    html = staff_login(roles=(EDITORS,)).get(reverse("admin:index")).content.decode()
    with translation.override("de"):
        label = gettext("press items without English text")
    assert label in html
    tile = html[html.index(label) - 400 : html.index(label)]
    assert ">1<" in tile.replace(" ", "") or "1</" in tile


def test_the_admin_saves_both_languages(staff_login, media_root):
    client = staff_login(superuser=True)
    now = timezone.localtime()
    data = {
        "kind": "news",
        "title_de": "Neue Mitglieder",
        "title_en": "New members",
        "slug": "neue-mitglieder",
        "lead_de": "Das Netzwerk wächst.",
        "lead_en": "The network grows.",
        "body_de": "<p>Text</p>",
        "body_en": "<p>Text in English</p>",
        "status": "draft",
        "published_at_0": now.strftime("%d.%m.%Y"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:news_newsitem_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item = NewsItem.objects.get(slug="neue-mitglieder")
    assert (item.title_de, item.title_en, item.lead_en, item.body_en) == (
        "Neue Mitglieder",
        "New members",
        "The network grows.",
        "<p>Text in English</p>",
    )


def test_sqlite_search_finds_both_languages(german, bilingual, settings):
    settings.IS_POSTGRES = False
    with translation.override("en"):
        assert [i.pk for i in selectors.news_search(filters=NewsFilters(q="universities"))] == [bilingual.pk]
        assert [i.pk for i in selectors.news_search(filters=NewsFilters(q="Mitglieder"))] == [german.pk]


@pytest.mark.postgres
def test_the_english_search_stems_english_words(make_item):
    network = make_item("Treffen im Netzwerk", lead="Ein Abend.", title_en="Network meeting", lead_en="An evening.")
    make_item("Breitband", lead="Ausbau.", title_en="Broadband", lead_en="Progress.")
    german_only = make_item("Netzwerke im Vogtland", lead="Regionale Netzwerke.")
    with translation.override("en"):
        found = [i.pk for i in selectors.news_search(filters=NewsFilters(q="networks"))]
        assert found == [network.pk]  # "networks" finds "network" (English stemming)
        assert [i.pk for i in selectors.news_search(filters=NewsFilters(q="Netzwerk"))] == [german_only.pk]
    with translation.override("de"):
        found = {i.pk for i in selectors.news_search(filters=NewsFilters(q="Netzwerk"))}
        assert found == {network.pk, german_only.pk}  # German search on German texts, as before


@pytest.mark.postgres
def test_both_search_vectors_are_gin_indexed(make_item):
    item = make_item("Netzwerk", title_en="Network")
    stored = NewsItem.objects.get(pk=item.pk)
    assert stored.search_vector is not None and stored.search_vector_en is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'news_item_search_en_gin'")
        assert "gin" in cursor.fetchone()[0].lower()


def test_the_migration_moves_texts_into_the_columns_of_their_language(transactional_db):
    executor = MigrationExecutor(connection)
    before, target = ("news", "0005_verbose_names"), ("news", "0008_remove_newsitem_language")
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        Item, Image = old.get_model("news", "NewsItem"), old.get_model("news", "NewsImage")
        now = timezone.now()
        de = Item.objects.create(title="Alt", slug="alt", lead="Vorspann", body="<p>Text</p>", published_at=now)
        en = Item.objects.create(
            title="Old", slug="old", lead="Lead", body="<p>Body</p>", language="en", published_at=now
        )
        Image.objects.create(item=de, image="", alt_text="Bild", caption="Unterschrift")
        Image.objects.create(item=en, image="", alt_text="Picture", caption="Caption")
        executor.loader.build_graph()
        executor.migrate([target])
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        german, english = NewsItem.objects.get(pk=de.pk), NewsItem.objects.get(pk=en.pk)
        assert (german.title_de, german.lead_de, german.body_de, german.title_en) == (
            "Alt",
            "Vorspann",
            "<p>Text</p>",
            None,
        )
        assert (english.title_en, english.lead_en, english.body_en, english.title_de) == (
            "Old",
            "Lead",
            "<p>Body</p>",
            None,
        )
        assert (german.images.get().alt_text_de, german.images.get().caption_de) == ("Bild", "Unterschrift")
        assert (english.images.get().alt_text_en, english.images.get().caption_en) == ("Picture", "Caption")
        with translation.override("de"):
            assert english.title == "Old"  # the German page falls back to the English text
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
