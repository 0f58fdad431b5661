"""Registration rules, the waiting list, notices, reminders and anonymisation against the database."""

import base64
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event, Registration, Venue
from swsdigital.mail.models import OutboxEmail
from swsdigital.privacy.models import Consent

pytestmark = pytest.mark.django_db
Status = Registration.Status


def _emails(to: str, template: str = "") -> list[OutboxEmail]:
    qs = OutboxEmail.objects.filter(to=to)
    if template:
        qs = qs.filter(template=f"events/{template}")
    return list(qs.order_by("pk"))


def test_registration_is_confirmed_with_ics_qr_and_consent(make_event, register):
    event = make_event(capacity=10)
    reg = register(event, "Anna@Example.org", organisation="Stadt Plauen", ip="10.0.0.1")
    assert reg.status == Status.CONFIRMED
    assert reg.email == "anna@example.org"
    [mail] = _emails("anna@example.org", "confirmation")
    names = {a["filename"]: a for a in mail.attachments}
    ics = Calendar.from_ical(base64.b64decode(names[f"{event.slug}.ics"]["content_b64"]))
    assert str(ics.walk("VEVENT")[0]["UID"]).startswith(str(event.uid))
    png = base64.b64decode(names["check-in.png"]["content_b64"])
    assert png.startswith(b"\x89PNG")
    assert reg.token in mail.body_text
    consent = Consent.objects.get(email="anna@example.org")
    assert consent.text.key == "event_registration"
    assert consent.subject_ref == f"event:{event.pk}"


def test_full_event_puts_people_on_waiting_list(make_event, register):
    event = make_event(capacity=2)
    a, b, c = (register(event, f"p{i}@example.org") for i in range(3))
    assert [a.status, b.status, c.status] == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITING]
    assert _emails("p2@example.org", "waiting")


def test_full_event_without_waiting_list_refuses(make_event, register):
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event, "a@example.org")
    with pytest.raises(services.RegistrationError) as exc:
        register(event, "b@example.org")
    assert exc.value.code == "full"
    assert exc.value.messages[0] == "Diese Veranstaltung ist ausgebucht."


def test_places_count_against_capacity(make_event, register):
    event = make_event(capacity=3, max_places=3)
    assert register(event, "a@example.org", places=2).status == Status.CONFIRMED
    assert register(event, "b@example.org", places=2).status == Status.WAITING
    with pytest.raises(services.RegistrationError):
        register(event, "c@example.org", places=4)


def test_registering_twice_returns_the_same_registration(make_event):
    event = make_event()
    first, created = services.registration_create(event=event, name="A", email="a@example.org")
    again, created_again = services.registration_create(event=event, name="A", email="A@EXAMPLE.org ")
    assert created and not created_again
    assert first.pk == again.pk
    assert event.registrations.count() == 1
    assert len(_emails("a@example.org", "confirmation")) == 1


def test_cancelling_moves_the_next_person_up(make_event, register):
    event = make_event(capacity=1)
    first = register(event, "first@example.org")
    second = register(event, "second@example.org")
    third = register(event, "third@example.org")
    services.registration_cancel(registration=first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Status.CONFIRMED
    assert third.status == Status.WAITING
    promoted = _emails("second@example.org", "promoted")
    assert len(promoted) == 1
    assert {a["filename"] for a in promoted[0].attachments} == {f"{event.slug}.ics", "check-in.png"}
    assert _emails("first@example.org", "registration_cancelled")
    # Cancelling again changes nothing and moves nobody else up.
    services.registration_cancel(registration=first)
    third.refresh_from_db()
    assert third.status == Status.WAITING


def test_cancelling_a_waiting_registration_moves_nobody(make_event, register):
    event = make_event(capacity=1)
    register(event, "a@example.org")
    waiting = register(event, "b@example.org")
    third = register(event, "c@example.org")
    services.registration_cancel(registration=waiting)
    third.refresh_from_db()
    assert third.status == Status.WAITING


def test_cancelled_person_can_register_again(make_event, register):
    event = make_event()
    reg = register(event, "a@example.org")
    services.registration_cancel(registration=reg)
    again = register(event, "a@example.org")
    assert again.pk != reg.pk and again.status == Status.CONFIRMED


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        ({"status": Event.Status.POSTPONED}, "postponed"),
        ({"save_the_date": True}, "not_yet"),
        ({"registration_enabled": False}, "none"),
        ({"registration_opens_in": timedelta(days=1)}, "not_yet"),
        ({"registration_closes_in": -timedelta(hours=1)}, "closed"),
        ({"start_in": -timedelta(days=2)}, "past"),
        ({"status": Event.Status.DRAFT}, "closed"),
    ],
)
def test_no_registration_when_closed(make_event, changes, code):
    now = timezone.now()
    kwargs = {}
    for key, value in changes.items():
        if key == "registration_opens_in":
            kwargs["registration_opens"] = now + value
        elif key == "registration_closes_in":
            kwargs["registration_closes"] = now + value
        elif key == "start_in":
            kwargs["start"] = now + value
        else:
            kwargs[key] = value
    event = make_event(**kwargs)
    with pytest.raises(services.RegistrationError) as exc:
        services.registration_create(event=event, name="A", email="a@example.org")
    assert exc.value.code == code
    assert not event.registrations.exists()


def test_members_only_needs_a_member(make_event):
    event = make_event(members_only=True)
    user = get_user_model().objects.create_user("m@example.org", "pw-long-enough-1")
    with pytest.raises(services.RegistrationError):
        services.registration_create(event=event, name="A", email="a@example.org")
    with pytest.raises(services.RegistrationError):
        services.registration_create(event=event, name="M", email="m@example.org", user=user)


def test_members_only_admits_a_member(make_event, member):
    event = make_event(members_only=True)
    reg, created = services.registration_create(event=event, name="Mia", email="mia@example.org", user=member)
    assert created and reg.user == member and reg.status == Status.CONFIRMED


def test_members_only_refuses_a_member_who_has_left(make_event, member):
    from members.models import Member

    Member.objects.filter(contacts__user=member).update(status=Member.Status.ENDED)
    event = make_event(members_only=True)
    with pytest.raises(services.RegistrationError):
        services.registration_create(event=event, name="Mia", email="mia@example.org", user=member)
    assert not event.registrations.exists()


def test_time_change_bumps_sequence_and_notifies(make_event, register):
    event = make_event(capacity=1)
    register(event, "a@example.org")
    register(event, "b@example.org")  # waiting people hear about it too
    assert event.sequence == 0
    event.start += timedelta(hours=1)
    event.end += timedelta(hours=1)
    services.event_save(event=event)
    assert Event.objects.get(pk=event.pk).sequence == 1
    [notice] = _emails("a@example.org", "event_changed")
    assert _emails("b@example.org", "event_changed")
    ics = Calendar.from_ical(base64.b64decode(notice.attachments[0]["content_b64"]))
    assert int(ics.walk("VEVENT")[0]["SEQUENCE"]) == 1
    # A change of wording only keeps the sequence and sends nothing.
    event.teaser = "Neu formuliert"
    services.event_save(event=event)
    assert Event.objects.get(pk=event.pk).sequence == 1
    assert len(_emails("a@example.org", "event_changed")) == 1


def test_place_change_bumps_sequence(make_event, register):
    event = make_event()
    register(event, "a@example.org")
    event.venue = Venue.objects.create(name="IHK Plauen", street="Friedensstraße 32", postcode="08523", town="Plauen")
    services.event_save(event=event)
    assert Event.objects.get(pk=event.pk).sequence == 1
    assert "der Ort der Veranstaltung hat sich geändert" in _emails("a@example.org", "event_changed")[0].body_text


def test_cancelling_event_sends_cancellation_with_cancelled_ics(make_event, register):
    event = make_event()
    register(event, "a@example.org")
    event.status = Event.Status.CANCELLED
    services.event_save(event=event)
    [notice] = _emails("a@example.org", "event_cancelled")
    ics = Calendar.from_ical(base64.b64decode(notice.attachments[0]["content_b64"]))
    vevent = ics.walk("VEVENT")[0]
    assert vevent["STATUS"] == "CANCELLED"
    assert int(vevent["SEQUENCE"]) >= 1


def test_event_validation_messages(make_event):
    event = make_event()
    event.end = event.start - timedelta(hours=1)
    event.venue = None
    with pytest.raises(services.ValidationError) as exc:
        services.event_save(event=event)
    assert set(exc.value.message_dict) >= {"end", "venue"}
    online = Event(
        title="Online",
        slug="online",
        start=event.start,
        end=event.start,
        format=Event.Format.ONLINE,
        status="published",
    )
    with pytest.raises(services.ValidationError) as exc:
        online.full_clean()
    assert "online_url" in exc.value.message_dict


def test_reminders_are_sent_once_even_when_run_twice(make_event, register):
    soon = make_event(start=timezone.now() + timedelta(hours=20))
    later = make_event(start=timezone.now() + timedelta(days=5))
    register(soon, "a@example.org")
    register(soon, "b@example.org")
    register(later, "c@example.org")
    assert services.registration_reminders_send() == 2
    assert services.registration_reminders_send() == 0
    assert len(_emails("a@example.org", "reminder")) == 1
    assert not _emails("c@example.org", "reminder")
    assert Registration.objects.filter(reminder_sent_at__isnull=False).count() == 2


def test_reminders_skip_cancelled_events_and_waiting_people(make_event, register):
    event = make_event(start=timezone.now() + timedelta(hours=20), capacity=1)
    register(event, "a@example.org")
    register(event, "b@example.org")
    assert services.registration_reminders_send() == 1
    assert not _emails("b@example.org", "reminder")
    cancelled = make_event(start=timezone.now() + timedelta(hours=10))
    register(cancelled, "c@example.org")
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)
    assert services.registration_reminders_send() == 0


def test_anonymisation_keeps_counts(make_event, register, settings):
    settings.RETENTION = {**settings.RETENTION, "event_participants": 30}
    event = make_event(capacity=5)
    register(event, "a@example.org", organisation="Firma", answers={"Essen?": "vegetarisch"})
    register(event, "b@example.org")
    recent = make_event()
    register(recent, "c@example.org")
    Event.objects.filter(pk=event.pk).update(
        start=timezone.now() - timedelta(days=40), end=timezone.now() - timedelta(days=40) + timedelta(hours=2)
    )
    assert services.registrations_anonymise() == 2
    regs = list(event.registrations.all())
    assert all(r.name == "" and r.email == "" and r.answers == {} and r.anonymised_at for r in regs)
    assert sum(r.places for r in regs if r.status == Status.CONFIRMED) == 2
    assert recent.registrations.get().email == "c@example.org"
    assert services.registrations_anonymise() == 0


def test_duplicate_creates_a_draft_a_week_later(make_event, topic, series):
    event = make_event(series=series, topics=[topic], capacity=30)
    copy = services.event_duplicate(event=event)
    assert copy.pk != event.pk and copy.uid != event.uid and copy.slug != event.slug
    assert copy.status == Event.Status.DRAFT
    assert copy.start == event.start + timedelta(days=7)
    assert copy.end - copy.start == event.end - event.start
    assert list(copy.topics.all()) == [topic]
    assert copy.series == series and copy.capacity == 30


def test_check_in_marks_once(make_event, register):
    event = make_event(capacity=1)
    reg = register(event, "a@example.org")
    waiting = register(event, "b@example.org")
    assert services.registration_check_in(registration=reg) is True
    assert services.registration_check_in(registration=reg) is False
    assert reg.checked_in_at is not None
    with pytest.raises(services.RegistrationError):
        services.registration_check_in(registration=waiting)


def test_message_participants(make_event, register):
    event = make_event(capacity=1)
    register(event, "a@example.org")
    register(event, "b@example.org")
    assert services.event_message_participants(event=event, subject="Parken", body="Bitte Parkhaus nutzen.") == 1
    [mail] = _emails("a@example.org", "message")
    assert mail.subject == "Parken" and "Parkhaus" in mail.body_text
    assert services.event_message_participants(event=event, subject="X", body="Y", include_waiting=True) == 2


def test_more_places_move_the_waiting_list_up(make_event, register):
    event = make_event(capacity=1)
    register(event, "a@example.org")
    b = register(event, "b@example.org")
    c = register(event, "c@example.org")
    event.capacity = 2
    services.event_save(event=event)
    b.refresh_from_db()
    c.refresh_from_db()
    assert (b.status, c.status) == (Status.CONFIRMED, Status.WAITING)
    assert _emails("b@example.org", "promoted")


def test_event_image_goes_through_the_upload_helper(make_event, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (10, 120, 90)).save(buffer, format="PNG")
    event = make_event()
    event.image_alt = "Werkbank32 von außen"
    services.event_save(event=event, image=SimpleUploadedFile("plakat.png", buffer.getvalue()))
    event.refresh_from_db()
    assert event.image.name.startswith("events/") and "plakat" not in event.image.name
    assert event.image_thumbnail
    services.event_save(event=event)  # saving again keeps the image and its thumbnail
    event.refresh_from_db()
    assert event.image and event.image_thumbnail
