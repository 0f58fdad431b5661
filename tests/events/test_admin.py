"""Staff tools in the admin: counts, CSV export, duplicate, messages to participants."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events.models import Event, Venue
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


def _change_form_data(admin_client, event) -> dict:
    """The event's change form as the browser would post it back unchanged (registrations inline included)."""
    response = admin_client.get(reverse("admin:events_event_change", args=[event.pk]))
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
    registrations = list(event.registrations.values_list("pk", flat=True))
    data.update(
        {
            "registrations-TOTAL_FORMS": str(len(registrations)),
            "registrations-INITIAL_FORMS": str(len(registrations)),
            "registrations-MIN_NUM_FORMS": "0",
            "registrations-MAX_NUM_FORMS": "1000",
        }
    )
    for i, pk in enumerate(registrations):
        data[f"registrations-{i}-id"], data[f"registrations-{i}-event"] = str(pk), str(event.pk)
    return data


def test_admin_save_bumps_sequence_through_the_service(admin_client, make_event, register):
    event = make_event()
    register(event, "a@example.org")
    url = reverse("admin:events_event_change", args=[event.pk])
    ihk = Venue.objects.create(name="IHK Chemnitz", street="Straße der Nationen 25", postcode="09111", town="Chemnitz")
    data = _change_form_data(admin_client, event)
    data["venue"] = ihk.pk
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.venue == ihk and event.sequence == 1
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


def _jpeg(name: str = "IMG_4711.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", (2000, 1000), (20, 90, 120))
    exif = image.getexif()
    exif[0x013B] = "Max Mustermann"  # Artist: must not survive the upload
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_admin_image_upload_is_reencoded_with_a_thumbnail(admin_client, make_event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = make_event()
    url = reverse("admin:events_event_change", args=[event.pk])
    data = _change_form_data(admin_client, event)
    data.update({"image": _jpeg(), "image_alt": "Publikum im Hörsaal", "image_credit": "Foto: Jana Beispiel"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert "IMG_4711" not in event.image.name and event.image_thumbnail.name.startswith("events/thumbs/")
    with Image.open(event.image.path) as stored:
        assert not stored.getexif()
    with Image.open(event.image_thumbnail.path) as thumb:
        assert max(thumb.size) < 2000
    assert event.image_credit in admin_client.get(event.get_absolute_url()).content.decode()

    data = _change_form_data(admin_client, event)
    data["image-clear"] = "on"
    assert admin_client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert not event.image and not event.image_thumbnail


def test_admin_refuses_a_fake_image_and_an_image_without_alt_text(admin_client, make_event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = make_event()
    url = reverse("admin:events_event_change", args=[event.pk])
    data = _change_form_data(admin_client, event)
    data["image"] = SimpleUploadedFile("bild.jpg", b"<html><script>alert(1)</script>", content_type="image/jpeg")
    data["image_alt"] = "Ein Bild"
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "image" in response.context["adminform"].form.errors
    data = _change_form_data(admin_client, event)
    data["image"] = _jpeg()
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image_alt"] == [
        "Bitte beschreiben Sie das Bild für Menschen, die es nicht sehen können."
    ]
    event.refresh_from_db()
    assert not event.image and not list(tmp_path.rglob("*.jpg"))
