"""The privacy contact's page in the admin: preview, erase with one button, send the export."""

import pytest
from django.urls import reverse

from events.models import Event, Registration
from swsdigital.core.roles import OFFICE, PRIVACY
from swsdigital.mail.models import OutboxEmail
from swsdigital.privacy.models import ErasureRecord
from swsdigital.privacy.services import person_erase

pytestmark = pytest.mark.django_db
URL = "/admin/privacy/erasurerecord/erase/"


@pytest.fixture
def participant(db):
    from datetime import timedelta

    from django.utils import timezone

    from events.services import registration_create

    start = timezone.now() + timedelta(days=5)
    event = Event.objects.create(
        title="Digitaltag", slug="digitaltag", start=start, end=start + timedelta(hours=2), status="published"
    )
    registration, _created = registration_create(event=event, name="Paula Teilnehmerin", email="paula@example.org")
    return registration


def test_url_is_the_named_one():
    assert reverse("admin:privacy_erasurerecord_person") == URL


def test_privacy_role_previews_and_erases_with_one_button(staff_login, participant):
    client = staff_login(roles=(PRIVACY,))
    page = client.post(URL, {"email": "Paula@Example.org", "action": "preview"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Veranstaltungsanmeldungen" in html and "anonymisiert" in html
    response = client.post(URL, {"email": "paula@example.org", "action": "erase"})
    record = ErasureRecord.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{record.pk}/change/")
    assert record.by == client.user
    assert not Registration.objects.filter(email="paula@example.org").exists()
    assert client.get(response["Location"]).status_code == 200  # read-only view


def test_nothing_held_and_bad_input_get_a_message_never_a_500(staff_login):
    client = staff_login(roles=(PRIVACY,))
    assert "Über diese Adresse ist nichts gespeichert." in client.post(URL, {"email": "x@example.org"}).content.decode()
    for bad in ("a\x00b@example.org", "x" * 300 + "@example.org", "keine-adresse", ""):
        response = client.post(URL, {"email": bad, "action": "erase"})
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode()
    assert not ErasureRecord.objects.exists()


def test_export_is_sent_to_the_address_and_not_shown(staff_login, participant):
    client = staff_login(roles=(PRIVACY,))
    response = client.post(URL, {"email": "paula@example.org", "action": "export"})
    assert response.status_code == 302
    mail = OutboxEmail.objects.filter(to="paula@example.org", template="privacy/person_export").get()
    assert mail.attachments[0]["filename"] == "daten-export.json"
    assert "Paula Teilnehmerin" not in client.get(response["Location"]).content.decode()


def test_office_cannot_and_superuser_without_second_factor_is_redirected(staff_login, participant):
    office = staff_login(roles=(OFFICE,))
    assert office.get(URL).status_code == 403
    assert office.post(URL, {"email": "paula@example.org", "action": "erase"}).status_code == 403
    superuser = staff_login(superuser=True, second_factor=False)
    response = superuser.post(URL, {"email": "paula@example.org", "action": "erase"})
    assert response.status_code == 302 and "/admin/" not in response["Location"]
    assert Registration.objects.filter(email="paula@example.org").exists()
    assert staff_login(superuser=True).get(URL).status_code == 200


def test_erasure_records_are_read_only_for_everyone(staff_login):
    record = person_erase(email="x@example.org")
    for client in (staff_login(roles=(PRIVACY,)), staff_login(superuser=True)):
        assert client.get("/admin/privacy/erasurerecord/add/").status_code == 403
        assert client.post(f"/admin/privacy/erasurerecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
        assert client.post(f"/admin/privacy/erasurerecord/{record.pk}/change/", {"via": "self"}).status_code == 403
    assert ErasureRecord.objects.filter(pk=record.pk, via="admin").exists()
    assert staff_login(roles=(OFFICE,)).get("/admin/privacy/erasurerecord/").status_code == 403
