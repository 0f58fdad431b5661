"""Public pages, registration through the form, personal links, check-in and staff tools."""

import json
import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Event, Registration, Venue
from events.sitemaps import EventSitemap
from swsdigital.mail.models import OutboxEmail

pytestmark = pytest.mark.django_db


def _post_data(form_protection_data, **kwargs) -> dict:
    return {
        "name": "Anna Beispiel",
        "email": "anna@example.org",
        "organisation": "Stadtwerke Plauen",
        "places": "1",
        "consent": "on",
        **form_protection_data,
        **kwargs,
    }


def test_list_is_german_and_grouped_by_month(client, make_event):
    make_event(title="Digital-Gipfel", start=timezone.now() + timedelta(days=40))
    make_event(title="Entwurf", status=Event.Status.DRAFT)
    make_event(title="Vorbei", start=timezone.now() - timedelta(days=3))
    response = client.get("/termine/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Digital-Gipfel" in html and "Entwurf" not in html and "Vorbei" not in html
    months = re.findall(r'<h2 class="h4" id="month-\d+">([^<]+)</h2>', html)
    assert months and all(re.match(r"^[A-ZÄÖÜ][a-zäöü]+ \d{4}$", m) for m in months)
    assert 'rel="alternate" type="text/calendar"' in html


def test_english_list(client, make_event):
    make_event(title="Summit")
    response = client.get("/en/events/")
    assert response.status_code == 200
    assert "Summit" in response.content.decode()


def test_filters_narrow_the_list_and_ignore_bad_values(client, make_event, series, topic):
    make_event(title="Im Vogtland", region=Event.Region.VOGTLAND, series=series, topics=[topic])
    make_event(
        title="In Chemnitz", region=Event.Region.CHEMNITZ, format=Event.Format.ONLINE, online_url="https://x.example"
    )
    html = client.get("/termine/?region=vogtland").content.decode()
    assert "Im Vogtland" in html and "In Chemnitz" not in html
    html = client.get(f"/termine/?series={series.slug}&topic={topic.slug}").content.decode()
    assert "Im Vogtland" in html and "In Chemnitz" not in html
    html = client.get("/termine/?format=online").content.decode()
    assert "In Chemnitz" in html and "Im Vogtland" not in html
    response = client.get("/termine/?region=atlantis&format=<script>&page=zzz")
    assert response.status_code == 200
    assert "Im Vogtland" in response.content.decode()


def test_archive_shows_past_events(client, make_event):
    make_event(title="Gipfel 2023", start=timezone.now() - timedelta(days=300))
    make_event(title="Kommt noch")
    html = client.get(reverse("events:archive")).content.decode()
    assert "Gipfel 2023" in html and "Kommt noch" not in html


def test_calendar_month_view(client, make_event):
    start = timezone.now().replace(day=15, hour=10) + timedelta(days=31)
    make_event(title="Im Kalender", start=start)
    month = timezone.localtime(start).strftime("%Y-%m")
    response = client.get(reverse("events:calendar"), {"month": month})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Im Kalender" in html and "<table" in html
    for bad in ("2024-13", "abc", "99999-01", ""):
        assert client.get(reverse("events:calendar"), {"month": bad}).status_code == 200


def test_detail_page_german_dates_json_ld_and_calendar_links(client, make_event):
    start = timezone.make_aware(datetime(2030, 10, 24, 16, 0))
    event = make_event(title="Regionaler Digital-Gipfel", start=start, capacity=50)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "24. Oktober 2030, 16:00 Uhr" in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Event"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["name"] == "Werkbank32"
    assert "calendar.google.com" in html and "outlook.live.com" in html
    assert reverse("events:ics", args=[event.slug]) in html
    assert "50 von 50 Plätzen frei" in html


def test_cancelled_and_postponed_events_are_marked(client, make_event):
    cancelled = make_event(status=Event.Status.CANCELLED)
    html = client.get(cancelled.get_absolute_url()).content.decode()
    assert "Diese Veranstaltung wurde abgesagt." in html
    assert "EventCancelled" in html
    assert 'name="email"' not in html
    postponed = make_event(status=Event.Status.POSTPONED)
    assert "EventPostponed" in client.get(postponed.get_absolute_url()).content.decode()


def test_draft_is_hidden_but_staff_can_preview(client, admin_client, make_event):
    draft = make_event(status=Event.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    response = admin_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Vorschau: Diese Veranstaltung ist nicht veröffentlicht." in response.content.decode()


def test_scheduled_publication(client, make_event):
    future = make_event(status=Event.Status.SCHEDULED, publish_at=timezone.now() + timedelta(hours=1))
    due = make_event(status=Event.Status.SCHEDULED, publish_at=timezone.now() - timedelta(minutes=1))
    assert client.get(future.get_absolute_url()).status_code == 404
    assert client.get(due.get_absolute_url()).status_code == 200


def test_register_through_the_form(client, make_event, form_protection_data):
    event = make_event(capacity=5, extra_questions="Essenswunsch?\nWie haben Sie von uns erfahren?")
    data = _post_data(form_protection_data, answer_0="vegetarisch")
    response = client.post(event.get_absolute_url(), data)
    assert response.status_code == 302
    reg = Registration.objects.get(event=event)
    assert reg.status == Registration.Status.CONFIRMED
    assert reg.answers == {"Essenswunsch?": "vegetarisch", "Wie haben Sie von uns erfahren?": ""}
    assert reg.language == "de"
    assert OutboxEmail.objects.filter(to="anna@example.org", template="events/confirmation").count() == 1
    # The same person again: one registration and a clear message.
    response = client.post(event.get_absolute_url(), data, follow=True)
    assert Registration.objects.filter(event=event).count() == 1
    assert "bereits für diese Veranstaltung angemeldet" in response.content.decode()


def test_form_errors_are_translated_not_500(client, make_event, form_protection_data):
    event = make_event(max_places=2)
    response = client.post(
        event.get_absolute_url(), _post_data(form_protection_data, email="kein-email", places="9", consent="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "gültige E-Mail-Adresse" in html
    assert not Registration.objects.exists()


def test_honeypot_blocks(client, make_event, form_protection_data):
    event = make_event()
    response = client.post(event.get_absolute_url(), _post_data(form_protection_data, homepage="http://spam"))
    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_rate_limit(client, make_event, form_protection_data, settings):
    settings.EVENTS_REGISTRATION_RATE = 2
    event = make_event()
    for i in range(2):
        client.post(event.get_absolute_url(), _post_data(form_protection_data, email=f"p{i}@example.org"))
    response = client.post(event.get_absolute_url(), _post_data(form_protection_data, email="p9@example.org"))
    assert response.status_code == 429
    assert Registration.objects.count() == 2


def test_post_to_past_event_gives_message(client, make_event, form_protection_data):
    event = make_event(start=timezone.now() - timedelta(days=1))
    response = client.post(event.get_absolute_url(), _post_data(form_protection_data), follow=True)
    assert response.status_code == 200
    assert "Diese Veranstaltung hat bereits stattgefunden." in response.content.decode()
    assert not Registration.objects.exists()


def test_members_only_event_for_anonymous_visitors(client, make_event, form_protection_data):
    event = make_event(members_only=True)
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'name="email"' not in html
    assert "Diese Veranstaltung ist nur für Mitglieder." in html
    assert reverse("account_login") in html
    response = client.post(event.get_absolute_url(), _post_data(form_protection_data), follow=True)
    assert response.status_code == 200
    assert "Diese Veranstaltung ist nur für Mitglieder." in response.content.decode()
    assert not Registration.objects.exists()


def test_members_only_event_for_logged_in_non_member(client, make_event, form_protection_data):
    user = get_user_model().objects.create_user("gast@example.org", "pw-long-enough-1")
    client.force_login(user)
    event = make_event(members_only=True)
    assert 'name="email"' not in client.get(event.get_absolute_url()).content.decode()
    client.post(event.get_absolute_url(), _post_data(form_protection_data, email="gast@example.org"))
    assert not Registration.objects.exists()


def test_member_gets_prefilled_form_and_sees_registrations(client, make_event, member, form_protection_data):
    client.force_login(member)
    event = make_event(members_only=True)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Diese Veranstaltung ist nur für Mitglieder." not in html
    assert 'value="mia@example.org"' in html and 'value="Mia Muster"' in html
    response = client.post(event.get_absolute_url(), _post_data(form_protection_data, email="mia@example.org"))
    assert response.url == reverse("events:my_registrations")
    html = client.get(reverse("events:my_registrations")).content.decode()
    assert event.title in html


def test_my_registrations_needs_login(client):
    response = client.get(reverse("events:my_registrations"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_personal_link_shows_and_cancels(client, make_event, register):
    event = make_event(capacity=1)
    reg = register(event, "a@example.org")
    waiting = register(event, "b@example.org")
    response = client.get(reg.get_absolute_url())
    assert response.status_code == 200 and "a@example.org" in response.content.decode()
    third = register(event, "c@example.org")
    html = client.get(third.get_absolute_url()).content.decode()
    assert "(Platz 2 in der Warteschlange)" in html
    client.post(reverse("events:registration_cancel", args=[reg.token]))
    reg.refresh_from_db()
    waiting.refresh_from_db()
    assert reg.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED


def test_cancelling_asks_once_then_says_storniert_everywhere(client, make_event, register):
    event = make_event(title="Digitaltag Plauen", capacity=5)
    reg = register(event, "a@example.org")
    detail = client.get(reg.get_absolute_url()).content.decode()
    cancel_url = reverse("events:registration_cancel", args=[reg.token])
    assert cancel_url.startswith("/termine/anmeldung/") and cancel_url.endswith("/stornieren/")
    # The personal page links to the question; no button there cancels in one step.
    assert f'href="{cancel_url}"' in detail and 'name="action" value="cancel"' not in detail
    question = client.get(cancel_url)
    html = question.content.decode()
    assert question.status_code == 200 and "Wirklich stornieren?" in html
    assert "Möchten Sie Ihre Anmeldung für „Digitaltag Plauen“" in html
    assert "Ja, Anmeldung stornieren" in html and f'href="{reg.get_absolute_url()}"' in html
    reg.refresh_from_db()
    assert reg.status == Registration.Status.CONFIRMED  # asking changed nothing
    # A one-step button of a page opened before (or a scanner's POST) only leads to the question.
    response = client.post(reg.get_absolute_url(), {"action": "cancel"})
    assert response.status_code == 302 and response["Location"] == cancel_url
    reg.refresh_from_db()
    assert reg.status == Registration.Status.CONFIRMED
    done = client.post(cancel_url, follow=True)
    html = done.content.decode()
    assert "Ihre Anmeldung wurde storniert." in html
    assert "<strong>Storniert</strong>" in html and "Abgesagt" not in html and "abgesagt" not in html
    reg.refresh_from_db()
    assert reg.status == Registration.Status.CANCELLED
    mail = OutboxEmail.objects.get(template="events/registration_cancelled")
    assert "storniert" in mail.subject and "storniert" in mail.body_text
    # Cancelled once: the question is not asked again, and a second click sends nothing.
    assert client.get(cancel_url)["Location"] == reg.get_absolute_url()
    client.post(cancel_url)
    assert OutboxEmail.objects.filter(template="events/registration_cancelled").count() == 1


def test_an_event_the_organiser_called_off_stays_abgesagt(client, make_event, register):
    event = make_event(title="Stammtisch")
    reg = register(event, "a@example.org")
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    html = client.get(reg.get_absolute_url()).content.decode()
    assert "Abgesagt" in html and "Stornieren" not in html
    assert client.get(reverse("events:registration_cancel", args=[reg.token]))["Location"] == reg.get_absolute_url()
    with translation.override("de"):
        assert str(Registration.Status.CANCELLED.label) == "Storniert"
        assert str(Event.Status.CANCELLED.label) == "Abgesagt"
        assert str(Registration._meta.get_field("cancelled_at").verbose_name) == "storniert"


def test_cancel_question_in_english(client, make_event, register):
    reg = register(make_event(), "a@example.org")
    with translation.override("en"):
        url = reverse("events:registration_cancel", args=[reg.token])
    html = client.get(url).content.decode()
    assert url.endswith("/cancel/") and "Really cancel?" in html and "Yes, cancel my registration" in html


def test_registration_consent_links_the_privacy_notice(client, make_event):
    event = make_event()
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'wie es die <a href="/datenschutz/">Datenschutzerklärung</a> beschreibt.' in html
    english = client.get(f"/en/events/{event.slug}/").content.decode()
    assert 'as the <a href="/en/privacy/">privacy notice</a> describes.' in english


def test_tampered_link_gets_a_clear_page(client, make_event, register):
    reg = register(make_event(), "a@example.org")
    response = client.get(
        reverse("events:registration", args=[reg.token[:-2] + ("yy" if reg.token.endswith("xx") else "xx")])
    )
    assert response.status_code == 404
    assert "Dieser Link ist nicht gültig" in response.content.decode()
    response = client.post(reverse("events:registration", args=["x" * 80]), {"action": "cancel"})
    assert response.status_code == 404
    assert client.post(reverse("events:registration_cancel", args=["x" * 80])).status_code == 404
    reg.refresh_from_db()
    assert reg.status == Registration.Status.CONFIRMED


def test_online_link_only_for_confirmed_participants(client, make_event, register):
    event = make_event(format=Event.Format.ONLINE, online_url="https://meet.example/geheim", venue=None)
    assert "geheim" not in client.get(event.get_absolute_url()).content.decode()
    assert b"geheim" not in client.get(reverse("events:ics", args=[event.slug])).content
    reg = register(event, "a@example.org")
    assert "geheim" in client.get(reg.get_absolute_url()).content.decode()
    assert b"geheim" in client.get(reverse("events:registration_ics", args=[reg.token])).content.replace(b"\r\n ", b"")


def test_checkin_is_staff_only(client, admin_client, make_event, register):
    reg = register(make_event(), "a@example.org")
    url = reverse("events:checkin", args=[reg.token])
    assert client.get(url).status_code == 302
    assert client.post(url).status_code == 302
    reg.refresh_from_db()
    assert reg.checked_in_at is None
    assert admin_client.get(url).status_code == 200
    admin_client.post(url)
    reg.refresh_from_db()
    assert reg.checked_in_at is not None


def test_sitemap_lists_published_events(make_event):
    public = make_event()
    make_event(status=Event.Status.DRAFT)
    assert list(EventSitemap().items()) == [public]

    class Site:
        domain = "sws-digital.example"
        name = "SWS"

    # German only so far: the German address, no English one and no English alternate.
    [de] = EventSitemap().get_urls(site=Site(), protocol="https")
    assert de["location"] == f"https://sws-digital.example/termine/{public.slug}/"
    assert [a["lang_code"] for a in de["alternates"]] == ["de"]
    Event.objects.filter(pk=public.pk).update(title_en="In English")
    [de, en] = EventSitemap().get_urls(site=Site(), protocol="https")
    assert de["location"] == f"https://sws-digital.example/termine/{public.slug}/"
    assert en["location"] == f"https://sws-digital.example/en/events/{public.slug}/"
    assert [a["lang_code"] for a in en["alternates"]] == ["de", "en"]
    Event.objects.filter(pk=public.pk).update(german_only=True)
    [de] = EventSitemap().get_urls(site=Site(), protocol="https")
    assert [a["lang_code"] for a in de["alternates"]] == ["de"]


def test_german_and_english_paths():
    with translation.override("de"):
        assert reverse("events:list") == "/termine/"
        assert reverse("events:my_registrations") == "/termine/meine-anmeldungen/"
    with translation.override("en"):
        assert reverse("events:list") == "/en/events/"


# --- Query budgets with many rows ----------------------------------------------


@pytest.fixture
def many_events(series, topic):
    now = timezone.now()
    venues = Venue.objects.bulk_create(
        [Venue(name=f"Saal {i}", street=f"Markt {i}", postcode="08523", town="Plauen") for i in range(50)]
    )
    events = [
        Event(
            title=f"Termin {i}",
            slug=f"termin-{i}",
            start=now + timedelta(hours=6 * (i - 1000)),
            end=now + timedelta(hours=6 * (i - 1000) + 2),
            # A venue of its own for each event: a page that read venues one by one would show here.
            venue=venues[i % 50],
            status=Event.Status.PUBLISHED,
            series=series,
            region=Event.Region.VOGTLAND,
        )
        for i in range(2000)
    ]
    Event.objects.bulk_create(events, batch_size=500)
    through = Event.topics.through
    through.objects.bulk_create([through(event_id=e.pk, topic_id=topic.pk) for e in Event.objects.all()])
    return Event.objects.count()


def test_query_budgets_with_2000_events(client, many_events, django_assert_max_num_queries):
    assert many_events == 2000
    with django_assert_max_num_queries(8):
        assert client.get("/termine/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/termine/?series=smartrailcampus&topic=mobilitaet&page=3").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("events:archive")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("events:calendar")).status_code == 200
    event = Event.objects.filter(start__gt=timezone.now()).first()
    Event.objects.filter(pk=event.pk).update(capacity=10)
    with django_assert_max_num_queries(6):
        assert client.get(event.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("events:feed")).status_code == 200


def test_english_registration_sends_english_email(client, make_event, form_protection_data):
    event = make_event(title="Summit & Workshop")
    with translation.override("en"):
        url = event.get_absolute_url()
    assert url.startswith("/en/events/")
    response = client.post(url, _post_data(form_protection_data))
    assert response.status_code == 302
    reg = Registration.objects.get()
    assert reg.language == "en"
    mail = OutboxEmail.objects.get(to="anna@example.org")
    assert mail.subject == "Registration confirmed: Summit & Workshop"
    assert "thank you for registering" in mail.body_text
    assert "/en/events/registration/" in mail.body_text


def test_home_page_shows_event_cards(client, make_event):
    make_event(title="Auf der Startseite")
    html = client.get("/").content.decode()
    assert "Auf der Startseite" in html and 'class="card event-card' in html


def test_logged_in_person_posting_again_is_told_they_are_registered(client, make_event, form_protection_data):
    user = get_user_model().objects.create_user("lea@example.org", "pw-long-enough-1")
    client.force_login(user)
    event = make_event()
    client.post(event.get_absolute_url(), _post_data(form_protection_data, email="lea@example.org"))
    response = client.post(
        event.get_absolute_url(), _post_data(form_protection_data, email="lea@example.org"), follow=True
    )
    assert "bereits für diese Veranstaltung angemeldet" in response.content.decode()
    assert Registration.objects.count() == 1


def test_past_registration_cannot_be_cancelled(client, make_event, register):
    event = make_event()
    reg = register(event, "a@example.org")
    Event.objects.filter(pk=event.pk).update(
        start=timezone.now() - timedelta(days=2), end=timezone.now() - timedelta(days=2, hours=-2)
    )
    response = client.post(reverse("events:registration_cancel", args=[reg.token]), follow=True)
    assert "Diese Veranstaltung hat bereits stattgefunden." in response.content.decode()
    reg.refresh_from_db()
    assert reg.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize("params", [{"series": "a\x00b"}, {"topic": "\x00"}, {"series": "<script>"}])
def test_feed_with_a_malformed_filter_is_a_bad_request_not_a_server_error(client, make_event, params):
    make_event()
    response = client.get(reverse("events:feed"), params)
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]  # the site's own 400 page, not a calendar


def test_feed_with_an_unknown_series_is_empty(client, make_event):
    make_event()
    response = client.get(reverse("events:feed"), {"series": "gibt-es-nicht"})
    assert response.status_code == 200 and b"BEGIN:VEVENT" not in response.content


def test_a_full_event_without_waiting_list_offers_no_form(client, make_event, register, form_protection_data):
    """The form promised a waiting list that the event does not have, then refused with "ausgebucht"."""
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event, "erste@example.org")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Diese Veranstaltung ist ausgebucht." in html
    assert 'name="email"' not in html and "Warteliste" not in html
    response = client.post(event.get_absolute_url(), _post_data(form_protection_data, email="spaet@example.org"))
    assert response.status_code == 302
    assert not Registration.objects.filter(email="spaet@example.org").exists()
    # With a waiting list the form stays and says where the registration will go.
    waitlisted = make_event(capacity=1)
    register(waitlisted, "erste@example.org")
    html = client.get(waitlisted.get_absolute_url()).content.decode()
    assert 'name="email"' in html and "Warteliste" in html
