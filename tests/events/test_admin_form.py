"""The event form's shorter paths: venues, autocomplete, folded sections, publishing buttons, focal point."""

import importlib
import io
import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from PIL import Image

from events import services
from events.models import Event, Venue
from swsdigital.core import images
from swsdigital.core.roles import EDITORS, OFFICE
from swsdigital.mail.models import OutboxEmail
from tests.events.conftest import werkbank
from tests.events.test_admin import _change_form_data

pytestmark = pytest.mark.django_db

RED, BLUE = (220, 20, 20), (20, 20, 220)


def _add_form_data(**extra) -> dict:
    """A complete add form of an event in person, as the browser posts it."""
    start = timezone.localtime() + timedelta(days=20)
    data = {
        "title_de": "Digitaltag Plauen",
        "slug": "digitaltag-plauen",
        "teaser_de": "KI im Mittelstand",
        "description_de": "<p>Vorträge</p>",
        "start_0": start.strftime("%d.%m.%Y"),
        "start_1": "16:00:00",
        "end_0": start.strftime("%d.%m.%Y"),
        "end_1": "19:00:00",
        "format": "in_person",
        "venue": werkbank().pk,
        "status": "draft",
        "registration_enabled": "on",
        "waitlist_enabled": "on",
        "max_places": "1",
        "focal_x": "50",
        "focal_y": "50",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def _wide_image(name: str = "panorama.png") -> SimpleUploadedFile:
    """A wide image, red on the left half and blue on the right."""
    image = Image.new("RGB", (1600, 400), RED)
    image.paste(BLUE, (800, 0, 1600, 400))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _close(colour, expected) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(colour, expected, strict=True))


# --- The venue migration ------------------------------------------------------------------------------------


def test_venue_migration_makes_one_venue_per_distinct_place_and_points_the_events_at_it(transactional_db):
    executor = MigrationExecutor(connection)
    target = ("events", "0003_venues")
    [before] = [node for node in executor.loader.graph.node_map[target].parents if node.key[0] == "events"]
    before = before.key
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps.get_model("events", "Event")
        start = timezone.now() + timedelta(days=3)

        def event(slug, name, address, accessibility="", region="", fmt="in_person"):
            return old.objects.create(
                title=slug, slug=slug, start=start, end=start + timedelta(hours=2), format=fmt,
                venue_name=name, venue_address=address, venue_accessibility=accessibility, region=region,
            ).pk  # fmt: skip

        werk = [
            event("a", "Werkbank32", "Bahnhofstraße 32, 09648 Mittweida", "Stufenlos.", "mittelsachsen"),
            event("b", "Werkbank32", "Bahnhofstraße 32, 09648 Mittweida", "Stufenlos.", "mittelsachsen"),
            event("c", " Werkbank32", "Bahnhofstraße 32, 09648 Mittweida ", "Stufenlos.", ""),  # typed with spaces
        ]
        other_notes = event("d", "Werkbank32", "Bahnhofstraße 32, 09648 Mittweida", "Mit Aufzug.")
        odd_address = event("e", "Malzhaus", "Alter Teich 7 in Plauen", region="vogtland")
        online = event("f", "", "", fmt="online", region="online")

        executor.loader.build_graph()
        executor.migrate([target])
        new_apps = executor.loader.project_state([target]).apps
        NewEvent, NewVenue = new_apps.get_model("events", "Event"), new_apps.get_model("events", "Venue")
        assert NewVenue.objects.count() == 3
        venue = NewVenue.objects.get(name="Werkbank32", accessibility="Stufenlos.")
        assert (venue.street, venue.postcode, venue.town, venue.region) == (
            "Bahnhofstraße 32", "09648", "Mittweida", "mittelsachsen",
        )  # fmt: skip
        assert set(NewEvent.objects.filter(venue=venue).values_list("pk", flat=True)) == set(werk)
        assert NewEvent.objects.get(pk=other_notes).venue.accessibility == "Mit Aufzug."
        malzhaus = NewEvent.objects.get(pk=odd_address).venue
        assert (malzhaus.name, malzhaus.street, malzhaus.town, malzhaus.region) == (
            "Malzhaus", "Alter Teich 7 in Plauen", "", "vogtland",
        )  # fmt: skip
        assert NewEvent.objects.get(pk=online).venue is None

        # And back: the text fields get the places again.
        executor.loader.build_graph()
        executor.migrate([before])
        back = executor.loader.project_state([before]).apps.get_model("events", "Event")
        assert back.objects.get(pk=werk[0]).venue_address == "Bahnhofstraße 32, 09648 Mittweida"
        assert back.objects.get(pk=odd_address).venue_name == "Malzhaus"
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_addresses_are_split_into_street_postcode_and_town():
    split = importlib.import_module("events.migrations.0003_venues").split_address
    assert split("Friedensstraße 32, 08523 Plauen") == ("Friedensstraße 32", "08523", "Plauen")
    assert split("Buchholzer Straße 2 09456 Annaberg-Buchholz") == ("Buchholzer Straße 2", "09456", "Annaberg-Buchholz")
    assert split("09111 Chemnitz") == ("", "09111", "Chemnitz")
    assert split("Am Markt, Plauen") == ("Am Markt, Plauen", "", "")


# --- Venues on the public pages -----------------------------------------------------------------------------


@pytest.fixture
def malzhaus(db) -> Venue:
    return Venue.objects.create(
        name="Malzhaus", street="Alter Teich 7", postcode="08527", town="Plauen", region=Event.Region.VOGTLAND,
        accessibility="Der Saal ist über einen Aufzug erreichbar.", participant_notes="Eingang über den Hof.",
        map_url="https://www.openstreetmap.org/?mlat=50.49&mlon=12.13",
    )  # fmt: skip


def test_detail_page_ics_and_json_ld_show_the_venue(client, make_event, malzhaus):
    event = make_event(venue=malzhaus)
    html = client.get(event.get_absolute_url()).content.decode()
    for text in ("Malzhaus", "Alter Teich 7", "08527 Plauen", "über einen Aufzug", "Eingang über den Hof."):
        assert text in html
    assert 'href="https://www.openstreetmap.org/?mlat=50.49&amp;mlon=12.13"' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    assert data["location"] == {
        "@type": "Place",
        "name": "Malzhaus",
        "address": {
            "@type": "PostalAddress", "streetAddress": "Alter Teich 7", "postalCode": "08527",
            "addressLocality": "Plauen", "addressCountry": "DE",
        },
        "hasMap": "https://www.openstreetmap.org/?mlat=50.49&mlon=12.13",
    }  # fmt: skip
    vevent = Calendar.from_ical(client.get(reverse("events:ics", args=[event.slug])).content).walk("VEVENT")[0]
    assert str(vevent["LOCATION"]) == "Malzhaus, Alter Teich 7, 08527 Plauen"
    feed = Calendar.from_ical(client.get(reverse("events:feed")).content).walk("VEVENT")[0]
    assert str(feed["LOCATION"]) == "Malzhaus, Alter Teich 7, 08527 Plauen"
    assert "Malzhaus" in client.get(reverse("events:list")).content.decode()


def test_confirmation_names_the_venue_and_its_notes(client, make_event, malzhaus, register):
    register(make_event(venue=malzhaus), "gast@example.org")
    mail = OutboxEmail.objects.get(to="gast@example.org")
    assert "Malzhaus, Alter Teich 7, 08527 Plauen" in mail.body_text and "Eingang über den Hof." in mail.body_text


def test_online_event_shows_no_venue(client, make_event, malzhaus):
    event = make_event(format=Event.Format.ONLINE, online_url="https://meet.example/raum", venue=malzhaus)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Alter Teich" not in html
    vevent = Calendar.from_ical(client.get(reverse("events:ics", args=[event.slug])).content).walk("VEVENT")[0]
    assert str(vevent["LOCATION"]) == "Online"


def test_region_is_taken_from_the_venue(make_event, malzhaus):
    event = make_event(venue=malzhaus, region="")
    assert event.region == ""  # the factory saves directly; the service fills it in
    services.event_save(event=event)
    assert Event.objects.get(pk=event.pk).region == Event.Region.VOGTLAND


def test_a_venue_past_events_took_place_at_cannot_be_deleted(admin_client, make_event, malzhaus):
    make_event(venue=malzhaus, start=timezone.now() - timedelta(days=400))
    with pytest.raises(ProtectedError):
        malzhaus.delete()
    response = admin_client.post(reverse("admin:events_venue_delete", args=[malzhaus.pk]), {"post": "yes"})
    assert response.status_code == 200 and Venue.objects.filter(pk=malzhaus.pk).exists()


def test_new_address_of_a_venue_updates_the_calendars_of_coming_events(make_event, malzhaus, register):
    coming = make_event(venue=malzhaus)
    past = make_event(venue=malzhaus, start=timezone.now() - timedelta(days=30))
    register(coming, "gast@example.org")
    malzhaus.participant_notes = "Neu: Eingang Seitentür."
    services.venue_save(venue=malzhaus)  # notes only: no new calendar entry
    assert Event.objects.get(pk=coming.pk).sequence == 0
    malzhaus.street = "Alter Teich 9"
    services.venue_save(venue=malzhaus)
    assert Event.objects.get(pk=coming.pk).sequence == 1 and Event.objects.get(pk=past.pk).sequence == 0
    assert OutboxEmail.objects.filter(to="gast@example.org", template="events/event_changed").count() == 1


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://karten.example/plauen", "kein link"])
def test_venue_map_link_must_be_a_web_address(admin_client, url):
    response = admin_client.post(
        reverse("admin:events_venue_add"), {"name": "Malzhaus", "town": "Plauen", "map_url": url}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["map_url"]
    assert not Venue.objects.exists()


# --- Autocomplete ------------------------------------------------------------------------------------------


def _autocomplete(client, field: str, term: str):
    return client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": "event", "field_name": field, "term": term},
    )


@pytest.mark.parametrize("role", [EDITORS, OFFICE])
def test_autocomplete_answers_the_roles_that_edit_events(staff_login, malzhaus, topic, series, role):
    client = staff_login(roles=(role,))
    results = {
        field: [row["text"] for row in _autocomplete(client, field, term).json()["results"]]
        for field, term in (("venue", "malz"), ("topics", "mobi"), ("series", "smart"))
    }
    assert results == {"venue": ["Malzhaus, Plauen"], "topics": ["Mobilität"], "series": ["SmartRailCampus"]}


def test_autocomplete_refuses_staff_without_permission(staff_login, malzhaus):
    client = staff_login("events.view_registration")
    assert _autocomplete(client, "venue", "malz").status_code == 403


def test_editors_may_add_and_change_venues_but_not_delete_them(staff_login):
    user = staff_login(roles=(EDITORS,)).user
    assert user.has_perms(["events.view_venue", "events.add_venue", "events.change_venue"])
    assert not user.has_perm("events.delete_venue")


def test_autocomplete_widgets_speak_german(staff_login):
    client = staff_login(roles=(EDITORS,))
    html = client.get(reverse("admin:events_event_add")).content.decode()
    assert "admin/js/vendor/select2/i18n/de.js" in html
    for field in ("series", "topics", "venue"):
        assert re.search(rf'<select name="{field}"[^>]*data-theme="admin-autocomplete"[^>]*lang="de"', html), field
    assert 'class="selector"' not in html  # no "Choose all" two-box widget for topics any more


# --- Sections ----------------------------------------------------------------------------------------------


def _fieldsets(response) -> dict:
    return {str(fs.name): fs.is_collapsible for fs in response.context["adminform"]}


def test_rare_fields_are_folded(admin_client, make_event):
    event = make_event()
    response = admin_client.get(reverse("admin:events_event_change", args=[event.pk]))
    folded = {name for name, collapsed in _fieldsets(response).items() if collapsed}
    names = ("Registration details", "Extra questions", "People and contact", "Photo credit", "Participants")
    assert folded == {_(name) for name in names}
    assert response.content.decode().count("<details><summary>") == 5


def test_a_folded_section_with_an_error_is_shown_open(admin_client, make_event):
    event = make_event()
    data = _change_form_data(admin_client, event)
    opens = timezone.localtime() + timedelta(days=5)
    data["registration_opens_0"], data["registration_opens_1"] = opens.strftime("%d.%m.%Y"), "10:00:00"
    data["registration_closes_0"], data["registration_closes_1"] = opens.strftime("%d.%m.%Y"), "09:00:00"
    response = admin_client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 200
    section = _("Registration details")
    assert _fieldsets(response)[section] is False
    html = response.content.decode()
    assert html.count("<details><summary>") == 4
    heading = re.search(rf"(.{{0,40}})<h2[^>]*>{section}</h2>", html, re.S)[1]
    assert "<summary>" not in heading
    assert _("Registration must close after it opens.") in html


# --- The buttons -------------------------------------------------------------------------------------------


def _buttons(html: str) -> set[str]:
    return set(re.findall(r'<input type="submit"[^>]*name="(_[a-z]+)"', html))


def test_editor_sees_the_buttons_of_a_draft_and_fewer_on_a_published_event(staff_login, make_event):
    client = staff_login(roles=(EDITORS,))
    draft = make_event(status=Event.Status.DRAFT)
    html = client.get(reverse("admin:events_event_change", args=[draft.pk])).content.decode()
    assert {"_save", "_preview", "_publish", "_schedule", "_duplicate"} <= _buttons(html)
    published = make_event()
    html = client.get(reverse("admin:events_event_change", args=[published.pk])).content.decode()
    assert {"_save", "_preview", "_duplicate"} <= _buttons(html) and not {"_publish", "_schedule"} & _buttons(html)
    assert not {"_preview", "_publish", "_duplicate"} & _buttons(
        client.get(reverse("admin:events_event_change", args=[draft.pk]), {"_popup": "1"}).content.decode()
    )


def test_save_and_preview_redirects_to_the_preview_of_the_draft(staff_login):
    client = staff_login(roles=(EDITORS,))
    response = client.post(reverse("admin:events_event_add"), _add_form_data(_preview="1"))
    event = Event.objects.get(slug="digitaltag-plauen")
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.status == Event.Status.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert _("Preview: this event is not published.") in page and "Digitaltag Plauen" in page


def test_publish_now_publishes(staff_login, make_event):
    client = staff_login(roles=(EDITORS,))
    event = make_event(status=Event.Status.DRAFT)
    data = _change_form_data(client, event)
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), {**data, "_publish": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("admin:events_event_change", args=[event.pk])
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED and event.publish_at <= timezone.now()
    assert event.sequence == 1
    assert event.title in client.get(reverse("events:list")).content.decode()


def test_publish_now_on_a_new_event(staff_login):
    client = staff_login(roles=(EDITORS,))
    response = client.post(reverse("admin:events_event_add"), _add_form_data(_publish="1"))
    assert response.status_code == 302
    assert Event.objects.get(slug="digitaltag-plauen").status == Event.Status.PUBLISHED


def test_publish_now_needs_the_change_permission(staff_login):
    client = staff_login("events.add_event", "events.view_event", "events.view_venue")
    html = client.get(reverse("admin:events_event_add")).content.decode()
    assert "_save" in _buttons(html) and not {"_publish", "_schedule"} & _buttons(html)
    response = client.post(reverse("admin:events_event_add"), _add_form_data(_publish="1"))
    assert response.status_code == 403 and not Event.objects.exists()


@pytest.mark.parametrize("publish_at", [None, timedelta(hours=-1)])
def test_schedule_without_a_future_time_says_so_and_saves_nothing(staff_login, make_event, publish_at):
    client = staff_login(roles=(EDITORS,))
    event = make_event(status=Event.Status.DRAFT, title="Alter Titel")
    data = {**_change_form_data(client, event), "title_de": "Neuer Titel", "_schedule": "1"}
    if publish_at is not None:
        when = timezone.localtime() + publish_at
        data["publish_at_0"], data["publish_at_1"] = when.strftime("%d.%m.%Y"), when.strftime("%H:%M:%S")
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["publish_at"]
    expected = _(
        "Please enter when the event is to be published."
        if publish_at is None
        else "This time has already passed. Please choose a publication time in the future."
    )
    assert errors == [expected]
    assert expected in response.content.decode()
    event.refresh_from_db()
    assert (event.title, event.status, event.publish_at) == ("Alter Titel", Event.Status.DRAFT, None)


def test_schedule_with_a_future_time(staff_login, make_event):
    client = staff_login(roles=(EDITORS,))
    event = make_event(status=Event.Status.DRAFT)
    when = timezone.localtime() + timedelta(days=2)
    data = {**_change_form_data(client, event), "_schedule": "1"}
    data["publish_at_0"], data["publish_at_1"] = when.strftime("%d.%m.%Y"), "08:00:00"
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.SCHEDULED and event.publish_at > timezone.now()
    assert not event.is_public


def test_duplicate_button_creates_the_draft_and_opens_it(staff_login, make_event, topic):
    client = staff_login(roles=(EDITORS,))
    event = make_event(topics=[topic])
    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]), {**_change_form_data(client, event), "_duplicate": "1"}
    )
    copy = Event.objects.exclude(pk=event.pk).get()
    event.refresh_from_db()  # saved first, from the form (whole seconds)
    assert response.status_code == 302 and response["Location"] == reverse("admin:events_event_change", args=[copy.pk])
    assert copy.status == Event.Status.DRAFT and copy.start == event.start + timedelta(days=7)
    assert list(copy.topics.all()) == [topic] and copy.venue == event.venue


# --- The focal point ---------------------------------------------------------------------------------------


def _thumbnail_colours(event: Event) -> tuple:
    with Image.open(event.image_thumbnail.path) as thumb:
        thumb = thumb.convert("RGB")
        width, height = thumb.size
        return thumb.size, thumb.getpixel((2, height // 2)), thumb.getpixel((width - 3, height // 2))


def test_thumbnail_is_cut_around_the_focal_point(make_event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = make_event(image_alt="Panorama", focal_x=90, focal_y=50)
    services.event_save(event=event, image=_wide_image())
    event.refresh_from_db()
    size, left, right = _thumbnail_colours(event)
    assert size == (640, 360)
    assert _close(left, BLUE) and _close(right, BLUE)  # all of it from the right half
    # A new point without a new upload: the thumbnail is cut again from the stored image.
    event.focal_x = 5
    services.event_save(event=event)
    event.refresh_from_db()
    _size, left, right = _thumbnail_colours(event)
    assert _close(left, RED) and _close(right, RED)


def test_admin_focal_point_inputs_and_picker(admin_client, make_event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = make_event(image_alt="Panorama")
    url = reverse("admin:events_event_change", args=[event.pk])
    data = {**_change_form_data(admin_client, event), "image": _wide_image(), "focal_x": "95", "focal_y": "40"}
    assert admin_client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert (event.focal_x, event.focal_y) == (95, 40)
    _size, left, right = _thumbnail_colours(event)
    assert _close(left, BLUE) and _close(right, BLUE)
    html = admin_client.get(url).content.decode()
    assert f'<img src="{event.image.url}"' in html and "data-focal-picker" in html
    assert "js/admin-focal-point.js" in html and "css/admin-event-form.css" in html
    assert ' style="' not in html.split('id="event_form"', 1)[1].split("</form>", 1)[0]  # CSP: no inline styles
    data = {**_change_form_data(admin_client, event), "focal_x": "101"}
    response = admin_client.post(url, data)
    assert response.status_code == 200 and response.context["adminform"].form.errors["focal_x"]


def test_crop_of_a_tall_image_follows_the_point_vertically():
    image = Image.new("RGB", (400, 1600), RED)
    image.paste(BLUE, (0, 1200, 400, 1600))
    crop = images.image_crop_to_focus(image, size=(640, 360), focal=(50, 100))
    assert crop.size == (400, 225)  # never enlarged
    assert _close(crop.getpixel((200, 5)), BLUE) and _close(crop.getpixel((200, 220)), BLUE)
