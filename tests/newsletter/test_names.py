"""The newsletter sign-up takes the name without spoofing characters."""

import pytest

from newsletter.models import Subscriber

pytestmark = pytest.mark.django_db


def _subscribe(client, form_protection_data, path="/newsletter/", **extra):
    data = {**form_protection_data, "email": "anna@example.org", "language": "de", "consent": "on", **extra}
    return client.post(path, data, REMOTE_ADDR="203.0.113.7")


def test_subscription_refuses_direction_controls(client, form_protection_data):
    response = _subscribe(client, form_protection_data, name="Anna\u202e Beispiel")
    assert response.status_code == 400  # the form page with its errors, as for every invalid sign-up
    assert response.context["form"].errors["name"] == [
        "Bitte entfernen Sie das unsichtbare Zeichen, das die Schreibrichtung ändert (U+202E)."
    ]
    assert not Subscriber.objects.exists()
    response = _subscribe(client, form_protection_data, path="/en/newsletter/", name="Anna\u2066 Beispiel")
    assert response.context["form"].errors["name"] == [
        "Please remove the invisible character that changes the direction of the text (U+2066)."
    ]


def test_subscription_stores_the_name_without_invisible_characters(client, form_protection_data):
    _subscribe(client, form_protection_data, name="\ufeffAn\u200bna Beispiel")
    assert Subscriber.objects.get().name == "Anna Beispiel"
