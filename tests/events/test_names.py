"""Registrations take the participant's name and organisation without spoofing characters."""

import pytest

from events.models import Registration

pytestmark = pytest.mark.django_db


def _post(client, event, form_protection_data, path=None, **fields):
    data = {"email": "anna@example.org", "places": "1", "consent": "on", **form_protection_data, **fields}
    return client.post(path or event.get_absolute_url(), data)


@pytest.mark.parametrize("field", ["name", "organisation"])
def test_registration_refuses_direction_controls(client, make_event, form_protection_data, field):
    event = make_event(capacity=5)
    fields = {"name": "Anna Beispiel", "organisation": "Stadtwerke Plauen", field: "Evil\u202egnp.exe GmbH"}
    response = _post(client, event, form_protection_data, **fields)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        "Bitte entfernen Sie das unsichtbare Zeichen, das die Schreibrichtung ändert (U+202E)."
    ]
    assert not Registration.objects.exists()


def test_registration_message_in_english(client, make_event, form_protection_data):
    event = make_event(capacity=5)
    from django.utils import translation

    with translation.override("en"):
        path = event.get_absolute_url()
    response = _post(client, event, form_protection_data, path=path, name="Anna\u2069 Beispiel")
    assert response.context["form"].errors["name"] == [
        "Please remove the invisible character that changes the direction of the text (U+2069)."
    ]


def test_registration_stores_names_without_invisible_characters(client, make_event, form_protection_data):
    event = make_event(capacity=5)
    response = _post(
        client, event, form_protection_data, name="An\u200bna Beispiel", organisation="Stadt\u00adwerke\ufeff Plauen"
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.name, registration.organisation) == ("Anna Beispiel", "Stadtwerke Plauen")
