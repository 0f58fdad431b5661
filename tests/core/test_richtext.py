"""Rich text: the sanitiser, image alt texts, the Markdown migrations, the editor in the admin, pages and mail."""

import importlib
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from events.models import Event, Series
from news.models import NewsItem
from newsletter.models import Mailing
from swsdigital.core.htmltext import html_to_text
from swsdigital.core.legacy_markdown import markdown_to_html
from swsdigital.core.richtext import richtext_clean, richtext_validate_images
from swsdigital.pages.models import LegalPage, SiteProfile

# -- The sanitiser ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dirty",
    [
        "<p>Hallo<script>alert(1)</script></p>",
        "<style>body{display:none}</style><p>Hallo</p>",
        '<p onclick="alert(1)" onmouseover="x()">Hallo</p>',
        '<p><a href="javascript:alert(1)">Hallo</a></p>',
        '<p><a href=" JaVaScRiPt:alert(1)">Hallo</a></p>',
        '<p><a href="data:text/html;base64,PHNjcmlwdD4=">Hallo</a></p>',
        '<p style="color:red"><span style="font-family:Comic Sans">Hallo</span></p>',
        '<p><img src="x.png" alt="Bild" onerror="alert(1)">Hallo</p>',
        '<iframe src="https://evil.example"></iframe><p>Hallo</p>',
        '<form action="/x"><input name="a"></form><p>Hallo</p>',
    ],
)
def test_sanitiser_removes_scripts_styles_handlers_and_dangerous_urls(dirty):
    clean = richtext_clean(dirty).lower()
    for forbidden in ("<script", "<style", "onclick", "onmouseover", "onerror", "javascript:", "data:text"):
        assert forbidden not in clean
    for forbidden in ("style=", "<iframe", "<form", "<input", "<span"):
        assert forbidden not in clean
    assert "hallo" in clean


ALLOWED = (
    "<h2>Programm</h2><h3>Vormittag</h3><h4>Pause</h4>"
    "<p><strong>Fett</strong>, <em>kursiv</em>,<br>neue Zeile</p>"
    '<ul><li><p>eins</p></li><li><p>zwei</p></li></ul><ol start="3"><li><p>drei</p></li></ol>'
    "<blockquote><p>Zitat</p></blockquote><hr>"
    '<table><tbody><tr><th colspan="2"><p>Kopf</p></th></tr><tr><td><p>A</p></td><td><p>B</p></td></tr></tbody>'
    "</table>"
)


def test_sanitiser_keeps_what_the_editor_writes():
    assert richtext_clean(ALLOWED) == ALLOWED


def test_links_keep_safe_schemes_and_get_rel():
    html = richtext_clean(
        '<p><a href="https://example.org" target="_blank">Web</a> <a href="mailto:info@example.org">Mail</a> '
        '<a href="tel:+493741000000">Telefon</a> <a href="/termine/">Termine</a> <a href="ftp://x.example">F</a></p>'
    )
    assert html.count('rel="noopener noreferrer nofollow"') == 5
    for href in ("https://example.org", "mailto:info@example.org", "tel:+493741000000", "/termine/"):
        assert f'href="{href}"' in html
    assert "ftp:" not in html and "target=" not in html


def test_editor_noise_is_dropped():
    assert richtext_clean("<p></p>") == "" and richtext_clean("<p><br></p>") == ""
    assert (
        richtext_clean('<table style="min-width: 50px"><colgroup><col style="min-width: 25px"></colgroup><tbody><tr>'
                       '<td colspan="1" rowspan="1"><p>A</p></td></tr></tbody></table>')
        == "<table><tbody><tr><td><p>A</p></td></tr></tbody></table>"
    )  # fmt: skip


def test_images_need_a_source_and_alt_text():
    described = '<p><img src="/media/a.png" alt="Podium"></p>'
    assert richtext_clean(described) == described
    assert richtext_clean('<p><img src="/media/a.png">Text</p>') == "<p>Text</p>"
    assert richtext_clean('<p><img src="/media/a.png" alt=" ">Text</p>') == "<p>Text</p>"
    assert richtext_clean('<p><img src="javascript:alert(1)" alt="x">Text</p>') == "<p>Text</p>"


@pytest.mark.parametrize("language", ["de", "en"])
def test_an_image_without_alt_text_is_refused_with_its_name(language):
    with translation.override(language), pytest.raises(ValidationError) as raised:
        richtext_validate_images('<p><img src="/media/news/Podium%202026.jpg"><img src="/b.png" alt="Saal"></p>')
    message = gettext("The image %(image)s has no alternative text. Please describe it for people who cannot see it.")
    assert raised.value.messages == [message % {"image": "Podium 2026.jpg"}]
    richtext_validate_images('<p><img src="/b.png" alt="Saal"></p>')  # described: accepted


def test_the_model_refuses_an_image_without_alt_and_stores_sanitised_html(db):
    start = timezone.now() + timedelta(days=5)
    event = Event(
        title="Digitaltag", slug="digitaltag", start=start, end=start + timedelta(hours=2),
        format=Event.Format.ONLINE, online_url="https://meet.example.org/x",
        description='<p>Hallo</p><img src="/media/events/saal.jpg">',
    )  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        event.full_clean()
    assert "saal.jpg" in raised.value.message_dict["description"][0]
    event.description = '<p onclick="x()">Hallo <script>alert(1)</script><strong>Welt</strong></p>'
    event.full_clean()
    event.save()
    event.refresh_from_db()
    assert event.description == "<p>Hallo <strong>Welt</strong></p>"
    # Also a save without full_clean() stores only sanitised HTML.
    Series.objects.create(name="Reihe", slug="reihe", description='<p style="x">Reihe</p><script>1</script>')
    assert Series.objects.get().description == "<p>Reihe</p>"


# -- Plain text for mail ------------------------------------------------------------------------------------------


def test_plain_text_is_readable():
    html = (
        '<h2>Programm</h2><p>Ein <strong>fetter</strong> Satz mit <a href="https://example.org/a">Link</a>, '
        '<a href="https://example.org">https://example.org</a> und <a href="mailto:info@example.org">'
        "info@example.org</a>.</p>"
        "<ul><li><p>eins</p></li><li><p>zwei</p><ul><li><p>zwei a</p></li></ul></li></ul>"
        '<ol start="2"><li>zweitens</li><li>drittens</li></ol>'
        "<blockquote><p>Ein Zitat</p></blockquote><hr>"
        "<table><tbody><tr><th>Wann</th><th>Was</th></tr><tr><td><p>9:00</p></td><td><p>Begrüßung</p></td></tr>"
        "</tbody></table><p>Herzliche Grüße<br>Ihre Geschäftsstelle</p><p>A &amp; B &lt;3</p>"
    )
    assert html_to_text(html) == (
        "Programm\n\n"
        "Ein fetter Satz mit Link (https://example.org/a), https://example.org und info@example.org.\n\n"
        "- eins\n- zwei\n  - zwei a\n\n"
        "2. zweitens\n3. drittens\n\n"
        "> Ein Zitat\n\n"
        "----\n\n"
        "Wann | Was\n9:00 | Begrüßung\n\n"
        "Herzliche Grüße\nIhre Geschäftsstelle\n\n"
        "A & B <3"
    )


# -- The Markdown migrations --------------------------------------------------------------------------------------

MARKDOWN = (
    "## Programm\n\n"
    "Ein **fetter** und *kursiver* Text mit [Link](https://example.org).\n\n"
    "- eins\n- zwei\n\n"
    "1. erstens\n2. zweitens\n\n"
    "> Zitat\n\n"
    "| A | B |\n|---|---|\n| 1 | 2 |\n\n"
    "Herzliche Grüße\nIhre Geschäftsstelle"
)


def _migration_apps(app: str, name: str):
    """The models as the migration sees them, and its data function."""
    module = importlib.import_module(f"{app if app != 'pages' else 'swsdigital.pages'}.migrations.{name}")
    run_python = next(op for op in module.Migration.operations if op.__class__.__name__ == "RunPython")
    state = MigrationExecutor(connection).loader.project_state((app, name))
    return state.apps, run_python.code


def _migrate(app: str, name: str) -> None:
    apps, forwards = _migration_apps(app, name)
    forwards(apps, None)  # the data functions write through the models only, never through the schema editor


def _assert_converted(html: str, *, line_breaks: bool) -> None:
    assert html.startswith("<h2>Programm</h2>")
    for part in (
        "<strong>fetter</strong>", "<em>kursiver</em>", "<li>eins</li>", "<ol>", "<blockquote>", "<th>A</th>",
        "<td>2</td>", '<a href="https://example.org" rel="noopener noreferrer nofollow">Link</a>',
    ):  # fmt: skip
        assert part in html, part
    assert ("Herzliche Grüße<br>" in html) is line_breaks


def test_event_migration_turns_markdown_into_the_html_it_was_shown_as(db):
    start = timezone.now() + timedelta(days=5)
    event = Event.objects.create(
        title="Alt", slug="alt", start=start, end=start, format=Event.Format.ONLINE, online_url="https://x.example"
    )
    done = Event.objects.create(title="Neu", slug="neu", start=start, end=start, format=Event.Format.ONLINE,
                                online_url="https://x.example")  # fmt: skip
    series = Series.objects.create(name="Reihe", slug="reihe")
    # As stored before the editor, and before German and English columns (rewrite(False): the plain column).
    Event.objects.rewrite(False).filter(pk=event.pk).update(description=MARKDOWN, description_de=None)
    Event.objects.rewrite(False).filter(pk=done.pk).update(
        description="<p>Schon <strong>HTML</strong></p>", description_de=None
    )
    Series.objects.rewrite(False).filter(pk=series.pk).update(description="Eine *Reihe*.", description_de=None)
    _migrate("events", "0002_rich_text")
    _migrate("events", "0006_translations_german")  # the converted text becomes the German one
    event.refresh_from_db()
    _assert_converted(event.description, line_breaks=False)
    assert event.description == markdown_to_html(MARKDOWN)
    assert Event.objects.get(pk=done.pk).description == "<p>Schon <strong>HTML</strong></p>"
    assert Series.objects.get().description == "<p>Eine <em>Reihe</em>.</p>"
    _migrate("events", "0002_rich_text")  # a second run changes nothing
    assert Event.objects.get(pk=event.pk).description == event.description


def test_news_migration_converts_press_bodies(db):
    item = NewsItem.objects.create(title="Meldung", slug="meldung", lead="Vorspann")
    # As stored before the editor and before the language columns (rewrite(False): the plain column).
    NewsItem.objects.rewrite(False).filter(pk=item.pk).update(body=MARKDOWN)
    _migrate("news", "0004_rich_text")
    _assert_converted(NewsItem.objects.rewrite(False).values_list("body", flat=True).get(pk=item.pk), line_breaks=False)


def test_newsletter_migration_keeps_the_line_breaks_of_letters(db):
    mailing = Mailing.objects.create(subject="Ausgabe", body="x")
    Mailing.objects.filter(pk=mailing.pk).update(body=MARKDOWN, body_en="Dear members,\nsee you.")
    _migrate("newsletter", "0004_rich_text")
    mailing.refresh_from_db()
    _assert_converted(mailing.body, line_breaks=True)
    assert mailing.body_en == "<p>Dear members,<br>\nsee you.</p>"


def test_pages_migration_converts_intro_and_legal_pages(db):
    profile = SiteProfile.objects.first() or SiteProfile.objects.create()
    page = LegalPage.objects.create(kind=LegalPage.Kind.IMPRINT, title_de="Impressum", title_en="Imprint", body_de="x")
    SiteProfile.objects.filter(pk=profile.pk).update(intro_de="Wir sind **das** Netzwerk.", intro_en="")
    LegalPage.objects.filter(pk=page.pk).update(body_de=MARKDOWN, body_en="## Provider\n\nThe association.")
    _migrate("pages", "0003_rich_text")
    assert SiteProfile.objects.get(pk=profile.pk).intro_de == "<p>Wir sind <strong>das</strong> Netzwerk.</p>"
    assert SiteProfile.objects.get(pk=profile.pk).intro_en == ""
    page.refresh_from_db()
    _assert_converted(page.body_de, line_breaks=False)
    assert page.body_en == "<h2>Provider</h2>\n<p>The association.</p>"


# -- The editor in the admin --------------------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """Read an admin change form's fields as a browser would submit them unchanged."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file", "image", "reset"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.data.append((name, a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea:
            self.data.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data


def _change_form(client, url: str, form_id: str) -> tuple[str, dict]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    reader = _FormReader(form_id)
    reader.feed(html)
    data: dict = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return html, data


DIRTY = (
    '<h2>Ablauf</h2><p onclick="x()">Mit <strong>Imbiss</strong><script>alert(1)</script></p><ul><li><p>A</p></li></ul>'
)
CLEAN = "<h2>Ablauf</h2><p>Mit <strong>Imbiss</strong></p><ul><li><p>A</p></li></ul>"


@pytest.fixture
def rich_objects(db):
    start = timezone.now() + timedelta(days=5)
    event = Event.objects.create(
        title="Digitaltag", slug="digitaltag", start=start, end=start + timedelta(hours=2),
        format=Event.Format.ONLINE, online_url="https://meet.example.org/x", description="<p>Alt</p>",
    )  # fmt: skip
    item = NewsItem.objects.create(title="Meldung", slug="meldung", lead="Vorspann", body="<p>Alt</p>")
    mailing = Mailing.objects.create(subject="Ausgabe", body="<p>Alt</p>")
    page = LegalPage.objects.create(kind="imprint", title_de="Impressum", title_en="Imprint", body_de="<p>Alt</p>")
    return {
        "events_event": (event, "description_de", "event_form"),
        "news_newsitem": (item, "body_de", "newsitem_form"),
        "newsletter_mailing": (mailing, "body", "mailing_form"),
        "pages_legalpage": (page, "body_de", "legalpage_form"),
    }


@pytest.mark.parametrize("admin_name", ["events_event", "news_newsitem", "newsletter_mailing", "pages_legalpage"])
def test_admin_forms_offer_the_editor_and_store_sanitised_html(admin_client, rich_objects, admin_name):
    obj, field, form_id = rich_objects[admin_name]
    url = reverse(f"admin:{admin_name}_change", args=[obj.pk])
    html, data = _change_form(admin_client, url, form_id)
    assert re.search(r'<script src="/static/js/richtext\.js"[^>]* type="module">', html)  # the widget's media
    assert "/static/django_prose_editor/editor.css" in html and "/static/css/richtext.css" in html
    assert f'name="{field}"' in html and "data-richtext=" in html
    assert "&lt;p&gt;Alt&lt;/p&gt;</textarea>" in html  # the stored HTML is the editor's content

    response = admin_client.post(url, {**data, field: DIRTY, "_continue": "1"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    obj.refresh_from_db()
    assert getattr(obj, field) == CLEAN

    response = admin_client.post(url, {**data, field: '<p>Bild: <img src="/media/foto.jpg"></p>', "_continue": "1"})
    assert response.status_code == 200
    with translation.override("de"):
        expected = gettext(
            "The image %(image)s has no alternative text. Please describe it for people who cannot see it."
        ) % {"image": "foto.jpg"}
    assert response.context["adminform"].form.errors[field] == [expected]
    obj.refresh_from_db()
    assert getattr(obj, field) == CLEAN


# -- Public pages and mail ----------------------------------------------------------------------------------------


def test_public_pages_show_the_html(client, rich_objects):
    event, _field, _form = rich_objects["events_event"]
    Event.objects.filter(pk=event.pk).update(description=CLEAN, status=Event.Status.PUBLISHED)
    item, _field, _form = rich_objects["news_newsitem"]
    NewsItem.objects.filter(pk=item.pk).update(
        body=DIRTY, status=NewsItem.Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1)
    )  # as if stored past the sanitiser: the page sanitises on the way out, too
    page, _field, _form = rich_objects["pages_legalpage"]
    LegalPage.objects.filter(pk=page.pk).update(body_de=ALLOWED)

    for url in (event.get_absolute_url(), item.get_absolute_url()):
        html = client.get(url).content.decode()
        assert '<div class="' in html and CLEAN in html, url
        assert "alert(1)" not in html and "onclick" not in html
    html = client.get(page.get_absolute_url()).content.decode()
    assert ALLOWED in html


def test_the_mailing_text_part_is_text_and_links_are_absolute(db, settings):
    from newsletter.rendering import mailing_render

    mailing = Mailing.objects.create(
        subject="Ausgabe",
        body='<h2>Hallo</h2><p>Die <a href="/termine/">Termine</a> und <strong>mehr</strong>.</p>'
        "<ul><li><p>eins</p></li></ul><p>Grüße<br>Ihre Geschäftsstelle</p>",
        include_events=False,
        include_news=False,
    )
    _subject, text, html = mailing_render(mailing, "de")
    assert f'<a href="{settings.SITE_URL}/termine/" rel="noopener noreferrer nofollow">Termine</a>' in html
    assert (
        f"Hallo\n\nDie Termine ({settings.SITE_URL}/termine/) und mehr.\n\n- eins\n\nGrüße\nIhre Geschäftsstelle"
        in text
    )
    assert "<" not in text.split("--")[0]  # no tag in the text part
