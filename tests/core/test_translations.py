"""The German pages are German: navigation, footer and page frame come from the catalogue."""

import re

import polib
import pytest

from swsdigital.pages import demo
from tests.harness import ROOT

GERMAN_FRAME = [
    ">Start<",
    ">Termine<",
    ">Presse<",
    ">Newsletter<",
    ">Mitglieder<",
    "Mitglied werden",
    "Anmelden",
    "Impressum",
    ">Datenschutz<",
    "Barrierefreiheit",
    "Folgen Sie uns",
    "Zum Inhalt springen",
    "Hauptnavigation",
]
ENGLISH_FRAME = [
    ">Home<",
    ">Events<",
    ">Press<",
    ">Members<",
    "Become a member",
    ">Log in<",
    ">Imprint<",
    ">Privacy<",
    ">Accessibility<",
    "Follow us",
    "Skip to content",
    "Main navigation",
]


@pytest.fixture
def demo_site(db):
    demo.load()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@pytest.mark.parametrize("path", ["/", "/gibt-es-nicht/", "/konto/login/"], ids=["home", "404", "login"])
def test_german_pages_have_a_german_frame(client, demo_site, path):
    html = _text(client.get(path).content.decode())
    for german in GERMAN_FRAME:
        assert german in html, german
    for english in ENGLISH_FRAME:
        assert english not in html, english


def test_german_404_page_explains_itself_in_german(client, demo_site):
    response = client.get("/gibt-es-nicht/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Seite nicht gefunden" in html
    assert "Zur Startseite" in html


def test_german_home_page_sections_are_german(client, demo_site):
    html = client.get("/").content.decode()
    for german in ("Kommende Termine", "Abonnieren", "Mitgliedschaft beantragen"):
        assert german in html, german


@pytest.mark.parametrize("path", ["/en/", "/en/does-not-exist/", "/en/account/login/"], ids=["home", "404", "login"])
def test_english_pages_have_an_english_frame(client, demo_site, path):
    html = _text(client.get(path).content.decode())
    for english in ENGLISH_FRAME:
        assert english in html, english
    for german in (">Termine<", "Mitglied werden", "Impressum", "Zum Inhalt springen"):
        assert german not in html, german


def test_german_catalogue_is_complete_and_clean():
    catalogue = polib.pofile(str(ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    assert catalogue.percent_translated() == 100, [e.msgid for e in catalogue.untranslated_entries()]
    assert catalogue.fuzzy_entries() == []
    for entry in catalogue.translated_entries():
        placeholders = sorted(re.findall(r"%\(\w+\)[sd]", entry.msgid))
        translated = entry.msgstr or entry.msgstr_plural[0]
        assert sorted(re.findall(r"%\(\w+\)[sd]", translated)) == placeholders, entry.msgid


def test_english_catalogue_is_complete_and_says_what_the_source_says():
    catalogue = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert catalogue.percent_translated() == 100, [e.msgid for e in catalogue.untranslated_entries()]
    assert catalogue.fuzzy_entries() == []  # msgmerge's guesses ("Status" -> "Statutes") must not linger
    for entry in catalogue.translated_entries():
        assert (entry.msgstr or entry.msgstr_plural[0]) == entry.msgid, entry.msgid
