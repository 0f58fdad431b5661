"""The live preview beside admin change forms: the public page with unsaved values, in German and English."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from events.models import Event, Registration, Topic
from news.models import NewsItem
from news.models import Topic as NewsTopic
from newsletter.models import Mailing
from swsdigital.pages.models import LegalPage
from tests.events.conftest import venue  # noqa: F401 - the venue most test events take place at

pytestmark = pytest.mark.django_db

ADD = "admin:events_event_live_preview_add"
NO_ENGLISH = "There is no English version yet: the English site shows the German text."
CHANGE = "admin:events_event_live_preview"


def _form_data(client, url: str, **changes) -> dict:
    """Return an admin change form's values as the browser would post them, with some changed."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value == "" or name == "image":
            continue
        if isinstance(value, datetime):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%d.%m.%Y"), local.strftime("%H:%M:%S")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _event_data(venue, **changes) -> dict:
    start = timezone.localtime() + timedelta(days=21)
    data = {
        "title_de": "Digitaltag Plauen",
        "slug": "digitaltag-plauen",
        "teaser_de": "KI im Mittelstand",
        "description_de": "<p>Vorträge und <strong>Austausch</strong>.</p>",
        "start_0": start.strftime("%d.%m.%Y"),
        "start_1": "16:00:00",
        "end_0": start.strftime("%d.%m.%Y"),
        "end_1": "19:00:00",
        "format": "in_person",
        "venue": venue.pk,
        "status": "draft",
        "registration_enabled": "on",
        "waitlist_enabled": "on",
        "max_places": "1",
        "focal_x": "50",
        "focal_y": "50",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _de(message: str, **params) -> str:
    """Return the admin's German for a message (from the catalogue, so this holds once it is merged)."""
    with translation.override("de"):
        text = gettext(message)
        params = {name: str(value) for name, value in params.items()}
    return text % params if params else text


def _de_label(field: str) -> str:
    with translation.override("de"):
        return str(capfirst(Event._meta.get_field(field).verbose_name))


def _writes(queries) -> list[str]:
    """Statements that change data (the session's own bookkeeping aside)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        and "django_session" not in q["sql"]
    ]


def test_the_add_form_has_the_pane_with_both_languages(admin_client):
    html = admin_client.get(reverse("admin:events_event_add")).content.decode()
    assert "data-live-preview" in html
    assert 'role="tab"' in html and ">Deutsch</button>" in html and ">English</button>" in html
    url = reverse(ADD)
    assert f'formaction="{url}?lang=de"' in html and f'formaction="{url}?lang=en"' in html
    assert 'formenctype="application/x-www-form-urlencoded"' in html  # files are not uploaded for a preview
    assert "js/admin-unsaved.js" in html and "js/admin-preview.js" in html and "css/admin-preview.css" in html


def test_an_unsaved_event_is_shown_in_german_and_english_and_nothing_is_written(admin_client, venue, topic):
    data = _event_data(venue, title_de="Digitaltag <b>Plauen</b>", topics=[topic.pk])
    before = (Event.objects.count(), Registration.objects.count(), Topic.objects.count())
    with CaptureQueriesContext(connection) as queries:
        german = admin_client.post(f"{reverse(ADD)}?lang=de", data)
    assert german.status_code == 200
    assert _writes(queries.captured_queries) == []
    html = german.content.decode()
    assert '<html lang="de">' in html
    assert _de("Preview – not published") in html
    assert "Digitaltag &lt;b&gt;Plauen&lt;/b&gt;</h1>" in html  # escaped as on the public page
    assert "<strong>Austausch</strong>" in html
    assert "Mobilität" in html  # the topic chosen in the form, though nothing is stored yet
    assert "Werkbank32" in html
    assert "Termine" in html
    assert _de(NO_ENGLISH) not in html

    english = admin_client.post(f"{reverse(ADD)}?lang=en", data).content.decode()
    assert '<html lang="en">' in english
    # The German title on the English page, marked as German (the English one is not written yet).
    assert '<span lang="de">Digitaltag &lt;b&gt;Plauen&lt;/b&gt;</span>' in english
    assert ">Events<" in english  # the English site's frame around the German text
    assert _de(NO_ENGLISH) in english
    assert (Event.objects.count(), Registration.objects.count(), Topic.objects.count()) == before


def test_a_stored_event_is_shown_with_the_typed_changes_and_stays_as_it_was(admin_client, make_event, topic):
    other = Topic.objects.create(name="Cybersicherheit", slug="cybersicherheit")
    event = make_event(title="SmartRailCampus", topics=[topic])
    stored = Event.objects.get(pk=event.pk)
    data = _form_data(
        admin_client,
        reverse("admin:events_event_change", args=[event.pk]),
        title_de="SmartRailCampus Mittweida",
        topics=[other.pk],
        description_de="<p>Neu: <em>Werkstätten</em></p>",
    )
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(f"{reverse(CHANGE, args=[event.pk])}?lang=de", data)
    assert response.status_code == 200
    assert _writes(queries.captured_queries) == []
    html = response.content.decode()
    assert "SmartRailCampus Mittweida</h1>" in html
    assert "<em>Werkstätten</em>" in html
    assert "Cybersicherheit" in html and "Mobilität" not in html
    event.refresh_from_db()
    assert (event.title, event.description, event.sequence, event.updated_at) == (
        stored.title,
        stored.description,
        stored.sequence,
        stored.updated_at,
    )
    assert list(event.topics.all()) == [topic]


def test_the_preview_is_framed_by_the_admin_only_and_never_cached(admin_client, venue, page_cache):
    response = admin_client.post(f"{reverse(ADD)}?lang=de", _event_data(venue))
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "script-src 'none'" in policy and "unsafe-inline" not in policy
    assert "no-store" in response["Cache-Control"]
    assert "X-Page-Cache" not in response
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # Other admin pages may still not be framed at all.
    assert admin_client.get(reverse("admin:events_event_add"))["X-Frame-Options"] == "DENY"


def test_the_page_is_sanitised_as_the_public_page_and_carries_no_script(admin_client, venue):
    data = _event_data(
        venue,
        teaser_de='"><script>alert(1)</script>',
        description_de='<p onclick="alert(2)">Hallo</p><script>alert(3)</script><a href="javascript:alert(4)">x</a>',
    )
    html = admin_client.post(f"{reverse(ADD)}?lang=de", data).content.decode()
    assert "<script" not in html.lower()
    assert "alert(" not in html.replace("&lt;script&gt;alert(1)&lt;/script&gt;", "")
    assert "onclick" not in html and "javascript:" not in html
    assert "<p>Hallo</p>" in html


def test_invalid_input_is_explained_in_the_pane_not_a_server_error(admin_client, venue):
    data = _event_data(venue, title_de="", slug="", start_0="kaputt", end_0=None, end_1=None)
    for language in ("de", "en"):
        response = admin_client.post(f"{reverse(ADD)}?lang={language}", data)
        assert response.status_code == 200
        html = response.content.decode()
        assert _de("The preview shows the last valid state.") in html
        # Fields not filled in are named in one line; what was typed wrongly says what is wrong.
        missing = ", ".join(_de_label(name) for name in ("title_de", "slug", "end"))
        assert _de("Not filled in yet: %(missing)s.", missing=missing) in html
        with translation.override("de"):
            invalid = gettext("Enter a valid date.")
        assert f"<li>{_de_label('start')}: {invalid}</li>" in html
        assert _de("Preview – not published") in html
    assert Event.objects.count() == 0


def test_the_preview_refuses_get_other_staff_and_forged_posts(staff_login, make_event, venue, client):
    event = make_event()
    change, add = f"{reverse(CHANGE, args=[event.pk])}?lang=de", f"{reverse(ADD)}?lang=de"
    data = _event_data(venue, slug="anders")
    viewer = staff_login("events.view_event")
    assert viewer.post(change, data).status_code == 403
    assert viewer.post(add, data).status_code == 403
    assert "data-live-preview" not in viewer.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    adder = staff_login("events.add_event", "events.view_event")
    assert adder.post(add, data).status_code == 200
    assert adder.post(change, data).status_code == 403
    editor = staff_login("events.change_event", "events.view_event")
    assert editor.get(change).status_code == 405
    assert editor.post(change, data).status_code == 200
    assert client.post(change, data).status_code == 302  # not logged in: to the login
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(editor.user)
    assert forged.post(change, data).status_code == 403
    assert Event.objects.get(pk=event.pk).slug == event.slug


def test_the_preview_has_a_fixed_query_budget(admin_client, make_event, register, django_assert_max_num_queries):
    topics = [Topic.objects.create(name=f"Thema {n}", slug=f"thema-{n}") for n in range(30)]
    small = make_event(capacity=50)
    large = make_event(capacity=50, topics=topics)
    for n in range(20):
        register(large, f"person{n}@example.org")
    counts = []
    for event, chosen in ((small, topics[:1]), (large, topics)):
        data = _form_data(
            admin_client, reverse("admin:events_event_change", args=[event.pk]), topics=[t.pk for t in chosen]
        )
        # Session, user, second factor, the event, the form's checks (topics, venue, slug, constraint), places.
        with django_assert_max_num_queries(21) as queries:
            response = admin_client.post(f"{reverse(CHANGE, args=[event.pk])}?lang=de", data)
        assert response.status_code == 200
        assert "Thema 0" in response.content.decode()
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]  # 30 topics and 20 registrations cost no more than one


def test_a_press_item_is_previewed_with_the_forms_topics_and_only_public_events(admin_client, make_event, mint):
    draft = make_event(title="Entwurf im Kalender", status=Event.Status.DRAFT)
    public = make_event(title="Öffentlicher Termin")
    data = {
        "kind": "press_release",
        "title_de": "Netzwerk wächst im Vogtland",
        "slug": "netzwerk-waechst",
        "dateline_place": "Plauen",
        "published_at_0": timezone.localtime().strftime("%d.%m.%Y"),
        "published_at_1": "09:00:00",
        "lead_de": "Zwölf neue Mitglieder seit dem Frühjahr.",
        "body_de": "<p>Das Netzwerk <strong>wächst</strong>.</p>",
        "status": "draft",
        "topics": [mint.pk],
        "related_events": [draft.pk, public.pk],
    }
    url = reverse("admin:news_newsitem_live_preview_add")
    german = admin_client.post(f"{url}?lang=de", data).content.decode()
    assert "Netzwerk wächst im Vogtland</h1>" in german
    assert "<strong>wächst</strong>" in german and "MINT" in german
    assert "Öffentlicher Termin" in german and "Entwurf im Kalender" not in german
    english = admin_client.post(f"{url}?lang=en", data).content.decode()
    assert "STEM" in english  # the topic's English name, as the English page shows it
    assert _de(NO_ENGLISH) in english
    assert '<span lang="de">Netzwerk wächst im Vogtland</span>' in english  # the German title, marked
    data |= {"title_en": "Network grows in Vogtland", "lead_en": "Twelve new members since spring."}
    english = admin_client.post(f"{url}?lang=en", data).content.decode()
    assert "Network grows in Vogtland</h1>" in english and "Twelve new members" in english
    assert _de(NO_ENGLISH) not in english
    assert NewsItem.objects.count() == 0 and NewsTopic.objects.count() == 1


def test_a_legal_page_shows_each_languages_own_text(admin_client):
    page = LegalPage.objects.create(
        kind=LegalPage.Kind.IMPRINT, title_de="Impressum", title_en="Legal notice", body_de="<p>Alt</p>"
    )
    url = reverse("admin:pages_legalpage_live_preview", args=[page.pk])
    data = _form_data(
        admin_client,
        reverse("admin:pages_legalpage_change", args=[page.pk]),
        body_de="<p>Verein SWS Digital e. V.</p>",
        body_en="<p>SWS Digital association</p>",
    )
    german = admin_client.post(f"{url}?lang=de", data).content.decode()
    english = admin_client.post(f"{url}?lang=en", data).content.decode()
    assert "Impressum</h1>" in german and "Verein SWS Digital e. V." in german and "association" not in german
    assert "Legal notice</h1>" in english and "SWS Digital association" in english and "Verein" not in english
    assert _de(NO_ENGLISH) not in english
    data["body_en"] = ""
    english = admin_client.post(f"{url}?lang=en", data).content.decode()
    assert "Verein SWS Digital e. V." in english
    assert _de(NO_ENGLISH) in english
    page.refresh_from_db()
    assert page.body_de == "<p>Alt</p>"


def test_a_mailing_is_previewed_as_the_email_in_both_languages(admin_client):
    data = {
        "subject": "Neuigkeiten aus dem Netzwerk",
        "preheader": "Termine im Mai",
        "body": "<p>Liebe Mitglieder,</p>",
        "subject_en": "News from the network",
        "body_en": "",
        "audience_language": "",
        "in_archive": "on",
    }
    url = reverse("admin:newsletter_mailing_live_preview_add")
    german = admin_client.post(f"{url}?lang=de", data)
    assert german.status_code == 200
    assert "'unsafe-inline'" in german["Content-Security-Policy"]  # the email's own inline styles
    html = german.content.decode()
    assert "Liebe Mitglieder," in html and _de("Subject: %(subject)s", subject="Neuigkeiten aus dem Netzwerk") in html
    assert _de("Preview line: %(preheader)s", preheader="Termine im Mai") in html
    english = admin_client.post(f"{url}?lang=en", data).content.decode()
    assert "Liebe Mitglieder," in english and _de(NO_ENGLISH) in english
    data["body_en"] = "<p>Dear members,</p>"
    english = admin_client.post(f"{url}?lang=en", data).content.decode()
    assert "Dear members," in english and _de("Subject: %(subject)s", subject="News from the network") in english
    assert _de(NO_ENGLISH) not in english
    assert Mailing.objects.count() == 0


def test_a_mailing_that_is_being_sent_has_no_preview(admin_client):
    mailing = Mailing.objects.create(subject="Gesendet", body="<p>x</p>", status=Mailing.Status.SENT)
    url = reverse("admin:newsletter_mailing_live_preview", args=[mailing.pk])
    assert admin_client.post(f"{url}?lang=de", {"subject": "Anders", "body": "<p>y</p>"}).status_code == 403
    page = admin_client.get(reverse("admin:newsletter_mailing_change", args=[mailing.pk])).content.decode()
    assert "data-live-preview" not in page
