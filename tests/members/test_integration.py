"""The whole membership flow with a real Celery worker process and a real SMTP sink."""

import re

import pytest
from django.conf import settings

from members.models import Member
from tests.conftest import protected
from tests.members.conftest import application_post

pytestmark = pytest.mark.integration

LINK = re.compile(re.escape(settings.SITE_URL) + r"(/\S+)")


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _link(message, contains: str) -> str:
    return next(path for path in LINK.findall(_text(message)) if contains in path)


def test_apply_confirm_approve_set_password_login_edit_and_list(
    client, admin_client, celery_worker, smtp_sink, membership_type, form_protection_data, django_user_model
):
    applicant = "anna.schubert@example.org"
    # 1. Apply.
    response = client.post("/mitglied-werden/", {**application_post(membership_type), **form_protection_data})
    assert response.status_code == 302
    [confirm_mail] = smtp_sink.wait_for(1, to=applicant)
    assert confirm_mail["Subject"] == "Bitte bestätigen Sie Ihren Mitgliedsantrag"
    assert confirm_mail.get_body(("html",)) is not None
    # 2. Confirm from the link in the received email; staff are told.
    page = client.get(_link(confirm_mail, "/bestaetigen/"))
    assert page.status_code == 200 and "Antrag bestätigen" in page.content.decode()
    page = client.post(_link(confirm_mail, "/bestaetigen/"))
    assert page.status_code == 200 and "Antrag bestätigt" in page.content.decode()
    [staff_mail] = smtp_sink.wait_for(1, to=settings.STAFF_NOTIFICATION_EMAIL)
    assert "Erzgebirge Software GmbH" in staff_mail["Subject"]
    change_path = _link(staff_mail, "/admin/members/membershipapplication/")
    # 3. Staff approve in the admin.
    application_id = change_path.strip("/").split("/")[-2]
    assert admin_client.get(change_path).status_code == 200
    admin_client.post(
        f"/admin/members/membershipapplication/{application_id}/decide/", {"decision": "approve", "message": ""}
    )
    welcome = smtp_sink.wait_for(2, to=applicant)[1]
    assert "Mitgliedsnummer lautet 1" in _text(welcome)
    # 4. Set the password from the invitation link.
    set_password = client.get(_link(welcome, "/password/reset/key/"), follow=True)
    assert set_password.status_code == 200
    password = "Vogtland-Erzgebirge-2026!"
    done = client.post(set_password.redirect_chain[-1][0], {"password1": password, "password2": password})
    assert done.status_code == 302
    assert django_user_model.objects.get(email=applicant).check_password(password)
    # 5. Log in.
    client.logout()
    login = client.post("/konto/login/", protected({"login": applicant, "password": password}))
    assert login.status_code == 302, login.content.decode()[:2000]
    # 6. Edit the profile.
    profile = {
        "name": "Erzgebirge Software GmbH", "street": "Bahnhofstraße 12", "postcode": "09456",
        "city": "Annaberg-Buchholz", "region": "erzgebirgskreis", "website": "https://erzgebirge-software.example",
        "description": "Individuelle Software und Digitalisierung für Handwerk und Mittelstand im Erzgebirge.",
    }  # fmt: skip
    assert client.post("/konto/mitgliedschaft/", profile).status_code == 302
    # 7. The directory shows it, with the new description.
    member = Member.objects.get()
    html = client.get("/mitglieder/?region=erzgebirgskreis").content.decode()
    assert "Erzgebirge Software GmbH" in html and "Handwerk und Mittelstand" in html
    assert client.get(member.get_absolute_url()).status_code == 200


def test_known_address_and_colleague_invitation_arrive(
    client, celery_worker, smtp_sink, membership_type, form_protection_data, member_user
):
    # The application page looks the same, but the mailbox owner learns why by email.
    post = application_post(membership_type, email="main@example.org")
    assert (
        client.post("/mitglied-werden/", {**post, **form_protection_data})["Location"] == "/mitglied-werden/gesendet/"
    )
    [known] = smtp_sink.wait_for(1, to="main@example.org")
    assert "/konto/login/" in _text(known) and "bestaetigen" not in _text(known)
    # A member invites a colleague, who receives a link to set a password.
    client.force_login(member_user)
    client.post(
        "/konto/mitgliedschaft/kontakte/",
        {"first_name": "Paul", "last_name": "Kunze", "email": "paul@example.org", "language": "en"},
    )
    [invitation] = smtp_sink.wait_for(1, to="paul@example.org")
    assert invitation["Subject"] == "Invitation to the member area of Chemnitzer Werkstatt eG"
    assert "/en/account/password/reset/key/" in _text(invitation)
