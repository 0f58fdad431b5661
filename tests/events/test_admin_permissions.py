"""Issue 19.1 and 19.2: event actions and staff pages need the permission they really use."""

from django.contrib.admin.models import LogEntry
from django.urls import reverse

from events.models import Event, Registration
from swsdigital.mail.models import OutboxEmail


def test_view_only_staff_cannot_duplicate_an_event(staff_login, make_event):
    event = make_event()
    viewer = staff_login("events.view_event")
    viewer.post("/admin/events/event/", {"action": "duplicate", "_selected_action": [event.pk]})
    assert Event.objects.count() == 1
    editor = staff_login("events.view_event", "events.add_event")
    editor.post("/admin/events/event/", {"action": "duplicate", "_selected_action": [event.pk]})
    assert Event.objects.count() == 2
    entry = LogEntry.objects.get()
    assert entry.user_id == editor.user.pk and entry.object_id == str(event.pk)


def test_view_only_staff_cannot_cancel_or_check_in_registrations(staff_login, make_event, register):
    event = make_event(capacity=1)
    first = register(event, "erste@example.org")
    waiting = register(event, "zweite@example.org")
    assert waiting.status == Registration.Status.WAITING
    mails = OutboxEmail.objects.count()
    viewer = staff_login("events.view_registration")
    for action in ("cancel", "check_in"):
        viewer.post("/admin/events/registration/", {"action": action, "_selected_action": [first.pk]})
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED and first.checked_in_at is None
    assert waiting.status == Registration.Status.WAITING
    assert OutboxEmail.objects.count() == mails
    assert not LogEntry.objects.exists()

    office = staff_login("events.view_registration", "events.change_registration")
    office.post("/admin/events/registration/", {"action": "check_in", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.checked_in_at is not None
    assert LogEntry.objects.filter(user_id=office.user.pk, object_id=str(first.pk)).count() == 1


def test_participant_export_and_door_list_need_the_registrations_permissions(staff_login, make_event, register):
    event = make_event()
    register(event, "gast@example.org")
    export = reverse("admin:events_event_export", args=[event.pk])
    door = reverse("admin:events_event_checkin", args=[event.pk])
    editor = staff_login("events.view_event", "events.change_event")
    assert editor.get(export).status_code == 403
    assert editor.get(door).status_code == 403
    editor.post("/admin/events/event/", {"action": "export_participants", "_selected_action": [event.pk]})
    office = staff_login("events.view_event", "events.view_registration", "events.change_registration")
    assert b"gast@example.org" in office.get(export).content
    assert office.get(door).status_code == 200


def test_checkin_page_needs_the_permission_and_a_second_factor(client, staff_login, make_event, register):
    registration = register(make_event(), "gast@example.org")
    url = reverse("events:checkin", args=[registration.token])
    # Staff without the permission: the 403 page, GET and POST, nothing checked in.
    plain = staff_login()
    assert plain.get(url).status_code == 403
    assert plain.post(url).status_code == 403
    # A superuser who never set up TOTP is sent to set it up, and checks no one in.
    no_totp = staff_login(superuser=True, second_factor=False)
    for response in (no_totp.get(url), no_totp.post(url)):
        assert response.status_code == 302 and "/totp/" in response["Location"]
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    allowed = staff_login("events.change_registration")
    assert allowed.get(url).status_code == 200
    allowed.post(url)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_draft_events_are_shown_only_to_staff_who_may_see_events(staff_login, make_event):
    draft = make_event(status=Event.Status.DRAFT, title="Geheimer Entwurf")
    url = draft.get_absolute_url()
    ics = reverse("events:ics", args=[draft.slug])
    for client in (staff_login(), staff_login("events.view_event", second_factor=False)):
        assert client.get(url).status_code == 404
        assert client.get(ics).status_code == 404
    allowed = staff_login("events.view_event")
    assert "Geheimer Entwurf" in allowed.get(url).content.decode()
    assert allowed.get(ics).status_code == 200
