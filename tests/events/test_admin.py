"""Staff tools in the admin: counts, CSV export, duplicate, messages to participants."""

import csv
import io

import pytest
from django.urls import reverse

from events.models import Event
from swsdigital.mail.models import OutboxEmail

pytestmark = pytest.mark.django_db


def test_changelist_shows_counts(admin_client, make_event, register, django_assert_max_num_queries):
    event = make_event(title="Voll", capacity=2)
    for i in range(4):
        register(event, f"p{i}@example.org")
    for _i in range(30):
        make_event()
    # The list's own queries plus the staff 2FA check and the session save (idle timeout).
    with django_assert_max_num_queries(16):
        response = admin_client.get(reverse("admin:events_event_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    row = next(line for line in html.split("<tr") if ">Voll<" in line)
    assert '<td class="field-registered">2</td>' in row
    assert '<td class="field-waiting">2</td>' in row


def test_change_form_renders_with_registrations(admin_client, make_event, register):
    event = make_event()
    register(event, "inline@example.org")
    response = admin_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert response.status_code == 200
    assert "inline@example.org" in response.content.decode()


def test_csv_export_neutralises_formulas(admin_client, make_event, register):
    event = make_event(extra_questions="Essen?")
    register(event, "a@example.org", name="=HYPERLINK(1)", answers={"Essen?": "vegan"})
    response = admin_client.get(reverse("admin:events_event_export", args=[event.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "Essen?"
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][1] == "a@example.org" and rows[1][-1] == "vegan"


def test_duplicate_action(admin_client, make_event):
    event = make_event()
    admin_client.post(reverse("admin:events_event_changelist"), {"action": "duplicate", "_selected_action": [event.pk]})
    assert Event.objects.filter(status=Event.Status.DRAFT).count() == 1


def test_message_participants_view(admin_client, make_event, register):
    event = make_event()
    register(event, "a@example.org")
    url = reverse("admin:events_event_message", args=[event.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"subject": "Anfahrt", "body": "Bitte mit dem Zug."})
    assert response.status_code == 302
    assert OutboxEmail.objects.filter(to="a@example.org", subject="Anfahrt").exists()


def test_admin_save_bumps_sequence_through_the_service(admin_client, make_event, register):
    event = make_event()
    register(event, "a@example.org")
    url = reverse("admin:events_event_change", args=[event.pk])
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name == "image":
            continue
        if name == "topics":
            data[name] = [t.pk for t in value]
        elif name in ("start", "end", "registration_opens", "registration_closes", "publish_at"):
            local = value.astimezone()
            data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%d.%m.%Y"), local.strftime("%H:%M:%S")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    data["venue_name"] = "IHK Chemnitz"
    data.update(
        {
            "registrations-TOTAL_FORMS": "1",
            "registrations-INITIAL_FORMS": "1",
            "registrations-MIN_NUM_FORMS": "0",
            "registrations-MAX_NUM_FORMS": "1000",
            "registrations-0-id": str(event.registrations.get().pk),
            "registrations-0-event": str(event.pk),
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.venue_name == "IHK Chemnitz" and event.sequence == 1
    assert OutboxEmail.objects.filter(to="a@example.org", template="events/event_changed").exists()


def test_checkin_list_searches_and_checks_in(admin_client, make_event, register, django_assert_max_num_queries):
    event = make_event(capacity=40)
    for i in range(30):
        register(event, f"p{i}@example.org", name=f"Person {i}")
    anna = register(event, "anna@example.org", name="Anna Sommer")
    url = reverse("admin:events_event_checkin", args=[event.pk])
    with django_assert_max_num_queries(12):
        response = admin_client.get(url)
    assert response.status_code == 200 and "Person 29" in response.content.decode()
    html = admin_client.get(url, {"q": "sommer"}).content.decode()
    assert "Anna Sommer" in html and "Person 1<" not in html
    admin_client.post(url, {"registration": anna.pk})
    anna.refresh_from_db()
    assert anna.checked_in_at is not None
    other = make_event()
    stranger = register(other, "x@example.org")
    assert admin_client.post(url, {"registration": stranger.pk}).status_code == 404
