"""English content of events: the English text where written, else the German one, marked as German."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar

from events.models import Event, Series, Topic, Venue
from swsdigital.core.roles import EDITORS
from tests.events.test_admin import _change_form_data
from tests.events.test_admin_form import _add_form_data

pytestmark = pytest.mark.django_db

NOTE = '<small class="translation-note" lang="de">(auf Deutsch)</small>'


def _url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def german_only(make_event):
    """An event whose texts, series, topic and venue notes are written in German only."""
    venue = Venue.objects.create(
        name="Malzhaus", town="Plauen", accessibility="Stufenlos erreichbar.", participant_notes="Eingang im Hof."
    )
    series = Series.objects.create(name="Digitalstammtisch", slug="digitalstammtisch")
    topic = Topic.objects.create(name="IT-Sicherheit", slug="it-sicherheit")
    return make_event(
        title="Sicher im Netz",
        teaser="Zehn Maßnahmen gegen Phishing",
        description="<p>Die Teilnahme ist kostenfrei.</p>",
        venue=venue,
        series=series,
        topics=[topic],
    )


def _translate(event: Event) -> Event:
    """Write the English versions of the event's texts, its series', topics' and venue's."""
    event.title_en, event.teaser_en = "Safe online", "Ten measures against phishing"
    event.description_en = "<p>Admission is free.</p>"
    event.save()
    venue = event.venue
    venue.accessibility_en, venue.participant_notes_en = "Step-free access.", "Entrance in the courtyard."
    venue.save()
    Series.objects.filter(pk=event.series_id).update(name_en="Digital get-together")
    Topic.objects.filter(events=event).update(name_en="IT security")
    return event


def _json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_the_english_page_shows_each_missing_text_in_german_marked_as_german(client, german_only):
    html = client.get(_url("events:detail", "en", slug=german_only.slug)).content.decode()
    assert '<html lang="en">' in html
    assert f'<span lang="de">Sicher im Netz</span> {NOTE}</h1>' in html
    assert f'<p class="lead"><span lang="de">Zehn Maßnahmen gegen Phishing</span> {NOTE}</p>' in html
    assert (
        '<div lang="de"><p>Die Teilnahme ist kostenfrei.</p><p class="small translation-note">(auf Deutsch)</p>' in html
    )
    assert f'<span lang="de">Stufenlos erreichbar.</span> {NOTE}' in html
    assert f'<span lang="de">Eingang im Hof.</span> {NOTE}' in html
    # Names in badges and the breadcrumb carry the language, without a note in each.
    assert '<span lang="de">IT-Sicherheit</span></a>' in html
    assert '<span lang="de">Digitalstammtisch</span></a>' in html
    assert '<span lang="de">Sicher im Netz</span></li>' in html  # the breadcrumb


def test_english_texts_are_shown_without_a_language_mark_or_note(client, german_only):
    _translate(german_only)
    html = client.get(_url("events:detail", "en", slug=german_only.slug)).content.decode()
    for text in ("Safe online</h1>", "Ten measures against phishing", "<p>Admission is free.</p>", "Step-free access.",
                 "Entrance in the courtyard.", "IT security", "Digital get-together"):  # fmt: skip
        assert text in html
    assert "(auf Deutsch)" not in html
    assert '<span lang="de">' not in html and '<div lang="de">' not in html
    assert "Sicher im Netz" not in html


def test_each_field_falls_back_on_its_own(client, german_only):
    german_only.title_en = "Safe online"
    german_only.save()
    html = client.get(_url("events:detail", "en", slug=german_only.slug)).content.decode()
    assert "Safe online</h1>" in html
    assert '<span lang="de">Zehn Maßnahmen gegen Phishing</span>' in html


def test_the_german_pages_never_show_the_note(client, german_only):
    for url in (_url("events:detail", "de", slug=german_only.slug), _url("events:list", "de"), "/"):
        html = client.get(url).content.decode()
        assert "Sicher im Netz" in html
        assert "(auf Deutsch)" not in html and '<span lang="de">' not in html, url


def test_the_filters_mark_german_names_of_series_and_topics(client, german_only):
    html = client.get(_url("events:list", "en")).content.decode()
    assert '<option value="it-sicherheit" lang="de">IT-Sicherheit</option>' in html
    assert '<option value="digitalstammtisch" lang="de">Digitalstammtisch</option>' in html
    _translate(german_only)
    html = client.get(_url("events:list", "en")).content.decode()
    assert '<option value="it-sicherheit">IT security</option>' in html


def test_english_lists_calendar_and_home_page_mark_german_titles(client, german_only):
    month = timezone.localtime(german_only.start).strftime("%Y-%m")
    for url in (_url("events:list", "en"), f"{_url('events:calendar', 'en')}?month={month}", "/en/"):
        html = client.get(url).content.decode()
        assert '<span lang="de">Sicher im Netz</span>' in html, url
    _translate(german_only)
    for url in (_url("events:list", "en"), "/en/"):
        html = client.get(url).content.decode()
        assert "Safe online" in html and '<span lang="de">Sicher im Netz' not in html, url


def test_json_ld_and_opengraph_name_the_texts_real_language(client, german_only):
    url = _url("events:detail", "en", slug=german_only.slug)
    html = client.get(url).content.decode()
    assert _json_ld(html)["inLanguage"] == "de" and _json_ld(html)["name"] == "Sicher im Netz"
    assert '<meta property="og:locale" content="de_DE">' in html
    _translate(german_only)
    html = client.get(url).content.decode()
    assert _json_ld(html)["inLanguage"] == "en" and _json_ld(html)["name"] == "Safe online"
    assert '<meta property="og:locale" content="en_GB">' in html
    german = client.get(_url("events:detail", "de", slug=german_only.slug)).content.decode()
    assert _json_ld(german)["inLanguage"] == "de" and '<meta property="og:locale" content="de_DE">' in german


def _vevent(client, url: str):
    [vevent] = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    return vevent


def test_the_ics_names_the_language_of_summary_and_description(client, german_only):
    url = _url("events:ics", "en", slug=german_only.slug)
    vevent = _vevent(client, url)
    assert (str(vevent["SUMMARY"]), vevent["SUMMARY"].params["LANGUAGE"]) == ("Sicher im Netz", "de")
    assert vevent["DESCRIPTION"].params["LANGUAGE"] == "de"
    _translate(german_only)
    vevent = _vevent(client, url)
    assert (str(vevent["SUMMARY"]), vevent["SUMMARY"].params["LANGUAGE"]) == ("Safe online", "en")
    assert vevent["DESCRIPTION"].params["LANGUAGE"] == "en"
    assert _vevent(client, _url("events:ics", "de", slug=german_only.slug))["SUMMARY"].params["LANGUAGE"] == "de"


def test_the_admin_edits_both_languages_and_saves_them(staff_login):
    client = staff_login(roles=(EDITORS,))
    form = client.get(reverse("admin:events_event_add")).content.decode()
    for name in ("title_de", "title_en", "teaser_de", "teaser_en", "description_de", "description_en"):
        assert f'name="{name}"' in form
    # Both descriptions get the rich-text editor; the tabs are our own static script, nothing from a CDN.
    assert len(re.findall(r'<textarea[^>]*name="description_(?:de|en)"[^>]*data-richtext=', form)) == 2
    assert "js/admin-translation-tabs.js" in form and "googleapis" not in form and "jquery-ui" not in form
    data = _add_form_data(
        title_en="Digital Day Plauen",
        teaser_en="AI in small businesses",
        description_en="<p>Talks<script>alert(1)</script></p>",
    )
    response = client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(slug="digitaltag-plauen")
    assert (event.title_de, event.title_en) == ("Digitaltag Plauen", "Digital Day Plauen")
    assert (event.teaser_de, event.teaser_en) == ("KI im Mittelstand", "AI in small businesses")
    assert (event.description_de, event.description_en) == ("<p>Vorträge</p>", "<p>Talks</p>")  # sanitised


def test_a_german_title_is_required_an_english_one_is_not(staff_login):
    client = staff_login(roles=(EDITORS,))
    response = client.post(reverse("admin:events_event_add"), _add_form_data(title_de="", title_en="Digital Day"))
    assert response.status_code == 200 and not Event.objects.exists()
    assert "title_de" in response.context["adminform"].form.errors


def test_saving_in_english_leaves_the_english_columns_empty(german_only):
    with translation.override("en"):
        german_only.full_clean()
        german_only.save()
    german_only.refresh_from_db()
    assert not (german_only.title_en or german_only.teaser_en or german_only.description_en)
    assert german_only.description_de == "<p>Die Teilnahme ist kostenfrei.</p>"


def test_the_event_list_filters_by_english_version(staff_login, make_event):
    german = make_event(title="Nur auf Deutsch")
    english = _translate(make_event(title="Zweisprachig", venue=Venue.objects.create(name="Saal")))
    client = staff_login(roles=(EDITORS,))
    changelist = reverse("admin:events_event_changelist")

    def listed(query: str) -> set[int]:
        return {row.pk for row in client.get(changelist + query).context["cl"].result_list}

    assert listed("?english=missing") == {german.pk}
    assert listed("?english=present") == {english.pk}
    assert listed("") == {german.pk, english.pk}


def test_the_dashboard_counts_coming_events_without_english(staff_login, make_event):
    make_event(title="Nur auf Deutsch")
    _translate(make_event(title="Zweisprachig", venue=Venue.objects.create(name="Saal")))
    html = staff_login(roles=(EDITORS,)).get(reverse("admin:index")).content.decode()
    assert "?english=missing" in html
    with translation.override("de"):
        assert gettext("coming events without English text") in html


def test_the_preview_says_when_the_english_text_is_missing(admin_client, german_only):
    url = reverse("admin:events_event_live_preview", args=[german_only.pk])
    data = _change_form_data(admin_client, german_only)
    english = admin_client.post(f"{url}?lang=en", data).content.decode()
    assert '<span lang="de">Sicher im Netz</span>' in english
    data["title_en"] = "Safe online"
    english = admin_client.post(f"{url}?lang=en", data).content.decode()
    assert "Safe online" in english and '<span lang="de">Sicher im Netz</span>' not in english


def test_the_migration_puts_existing_texts_into_the_german_columns(transactional_db):
    executor = MigrationExecutor(connection)
    before, target = ("events", "0004_event_focal_point_remove_venue_text"), ("events", "0006_translations_german")
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        start = timezone.now() + timedelta(days=3)
        venue = old.get_model("events", "Venue").objects.create(
            name="Malzhaus", accessibility="Stufenlos.", participant_notes="Eingang im Hof."
        )
        series = old.get_model("events", "Series").objects.create(name="Reihe", slug="reihe", description="<p>R</p>")
        topic = old.get_model("events", "Topic").objects.create(name="Bildung", slug="bildung")
        event = old.get_model("events", "Event").objects.create(
            title="Alter Titel", slug="alt", teaser="Kurz", description="<p>Lang</p>", start=start,
            end=start + timedelta(hours=2), venue=venue, series=series,
        )  # fmt: skip
        executor.loader.build_graph()
        executor.migrate([target])
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        stored = Event.objects.get(pk=event.pk)
        assert (stored.title_de, stored.teaser_de, stored.description_de) == ("Alter Titel", "Kurz", "<p>Lang</p>")
        assert not stored.title_en
        with translation.override("de"):
            assert stored.title == "Alter Titel"
        with translation.override("en"):
            assert stored.title == "Alter Titel"  # the fallback until an English title is written
        assert (Series.objects.get(pk=series.pk).name_de, Topic.objects.get(pk=topic.pk).name_de) == (
            "Reihe",
            "Bildung",
        )
        place = Venue.objects.get(pk=venue.pk)
        assert (place.accessibility_de, place.participant_notes_de) == ("Stufenlos.", "Eingang im Hof.")
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_german_only_event_is_not_listed_as_missing_english(staff_login, make_event):
    german = make_event(title="Nur auf Deutsch")
    make_event(title="Mitgliederversammlung", german_only=True, venue=Venue.objects.create(name="Saal"))
    client = staff_login(roles=(EDITORS,))
    changelist = reverse("admin:events_event_changelist")
    listed = {row.pk for row in client.get(changelist + "?english=missing").context["cl"].result_list}
    assert listed == {german.pk}


def test_the_office_as_contact_is_named_in_the_readers_language(client, make_event):
    event = make_event(title="Sprechstunde", contact_name="", contact_email="info@sws-digital.example")
    english = client.get(_url("events:detail", "en", slug=event.slug)).content.decode()
    german = client.get(_url("events:detail", "de", slug=event.slug)).content.decode()
    assert "Office of the association" in english and "Geschäftsstelle" not in english
    assert "Geschäftsstelle" in german
    event.contact_name = "Dr. Jana Köhler"
    event.save(update_fields=["contact_name"])
    assert "Dr. Jana Köhler" in client.get(_url("events:detail", "en", slug=event.slug)).content.decode()
