"""Application, further contacts, profile and invitation take names without spoofing characters."""

import pytest

from members.models import Contact, Member, MembershipApplication
from tests.members.conftest import application_post

pytestmark = pytest.mark.django_db

RLO = "Evil\u202egnp.exe GmbH"  # shows as "Evilexe.png GmbH"
MESSAGE_DE = "Bitte entfernen Sie das unsichtbare Zeichen, das die Schreibrichtung ändert (U+202E)."
MESSAGE_EN = "Please remove the invisible character that changes the direction of the text (U+202E)."


def _join(client, membership_type, form_protection_data, path="/mitglied-werden/", **overrides):
    return client.post(path, {**application_post(membership_type, **overrides), **form_protection_data})


@pytest.mark.parametrize(
    "field", ["name", "legal_form", "sector", "title", "first_name", "last_name", "role", "sepa_account_holder"]
)
def test_application_refuses_direction_controls_in_every_name(client, membership_type, form_protection_data, field):
    response = _join(client, membership_type, form_protection_data, **{field: "Anna\u2067 Schubert"})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [MESSAGE_DE.replace("U+202E", "U+2067")]
    assert not MembershipApplication.objects.exists()


def test_application_message_in_english(client, membership_type, form_protection_data):
    response = _join(client, membership_type, form_protection_data, path="/en/join/", name=RLO)
    assert response.context["form"].errors["name"] == [MESSAGE_EN]
    assert MESSAGE_EN in response.content.decode()


def test_further_contact_refuses_direction_controls(client, membership_type, form_protection_data):
    response = _join(
        client, membership_type, form_protection_data,
        **{"contacts-0-first_name": "Paul", "contacts-0-last_name": "Kunze\u202e", "contacts-0-email": "p@example.org"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["contacts"].forms[0].errors["last_name"] == [MESSAGE_DE]
    assert not MembershipApplication.objects.exists()


def test_application_stores_names_without_invisible_characters_in_nfc(client, membership_type, form_protection_data):
    response = _join(
        client, membership_type, form_protection_data,
        name="Erz\u200bgebirge Soft\u00adware GmbH", first_name="Jo\u0308rg", last_name="\ufeffSchubert",
        **{"contacts-0-first_name": "Pa\u200dul", "contacts-0-last_name": "Kunze", "contacts-0-email": "p@example.org"},
    )  # fmt: skip
    assert response.status_code == 302
    application = MembershipApplication.objects.get()
    assert (application.name, application.first_name, application.last_name) == (
        "Erzgebirge Software GmbH", "Jörg", "Schubert",
    )  # fmt: skip
    assert [c["first_name"] for c in application.further_contacts] == ["Paul"]


def test_profile_refuses_direction_controls_and_strips_invisible_ones(client, member_user):
    client.force_login(member_user)
    data = {
        "name": RLO, "street": "Straße der Nationen 1", "postcode": "09111", "city": "Chemnitz",
        "region": "chemnitz", "description": "", "website": "",
    }  # fmt: skip
    response = client.post("/konto/mitgliedschaft/", data)
    assert response.status_code == 200 and response.context["form"].errors["name"] == [MESSAGE_DE]
    response = client.post("/konto/mitgliedschaft/", {**data, "name": "Chemnitzer\u200b Werkstatt eG"})
    assert response.status_code == 302
    assert Member.objects.get().name == "Chemnitzer Werkstatt eG"


def test_contact_invite_refuses_direction_controls(client, member_user):
    client.force_login(member_user)
    data = {"first_name": "Paul\u2066", "last_name": "Kunze", "email": "paul@example.org", "language": "de"}
    response = client.post("/konto/mitgliedschaft/kontakte/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["first_name"] == [MESSAGE_DE.replace("U+202E", "U+2066")]
    assert not Contact.objects.filter(email="paul@example.org").exists()
