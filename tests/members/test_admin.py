"""Staff tools: review, decide (single and bulk), CSV exports and the figures page."""

import csv
import io

import pytest

from members.models import Member, MembershipApplication
from swsdigital.mail.models import OutboxEmail
from tests.conftest import give_second_factor

pytestmark = pytest.mark.django_db
Status = MembershipApplication.Status


def test_changelist_filters_and_search(admin_client, make_application):
    make_application(name="Filter GmbH", email="f@example.org")
    make_application(name="Andere AG", email="a@example.org", confirmed=False)
    html = admin_client.get("/admin/members/membershipapplication/?status__exact=submitted").content.decode()
    assert "Filter GmbH" in html and "Andere AG" not in html
    html = admin_client.get("/admin/members/membershipapplication/?q=andere").content.decode()
    assert "Andere AG" in html and "Filter GmbH" not in html


def test_decision_form_approves_with_message(admin_client, make_application):
    application = make_application()
    page = admin_client.get(f"/admin/members/membershipapplication/{application.pk}/change/")
    assert 'id="decision-form"' in page.content.decode()
    response = admin_client.post(
        f"/admin/members/membershipapplication/{application.pk}/decide/",
        {"decision": "approve", "message": "Wir freuen uns auf Sie."},
        follow=True,
    )
    assert "Mitglied Nr. 1" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.decided_by.is_superuser
    mail = OutboxEmail.objects.get(template="members/application_approved")
    assert "Wir freuen uns auf Sie." in mail.body_text


def test_decision_form_rejects_and_refuses_a_second_decision(admin_client, make_application):
    application = make_application()
    url = f"/admin/members/membershipapplication/{application.pk}/decide/"
    admin_client.post(url, {"decision": "reject", "message": ""})
    response = admin_client.post(url, {"decision": "approve"}, follow=True)
    assert "Entschieden werden können nur bestätigte Anträge" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.REJECTED and not Member.objects.exists()
    bad = admin_client.post(url, {"decision": "maybe"}, follow=True)
    assert bad.status_code == 200


def test_bulk_approve_skips_applications_not_awaiting_a_decision(admin_client, make_application):
    a = make_application(name="Eins GmbH", email="1@example.org")
    b = make_application(name="Zwei GmbH", email="2@example.org")
    c = make_application(name="Drei GmbH", email="3@example.org", confirmed=False)
    response = admin_client.post(
        "/admin/members/membershipapplication/",
        {"action": "approve_selected", "_selected_action": [a.pk, b.pk, c.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "2 Anträge angenommen." in html and "1 Antrag übersprungen" in html
    assert sorted(Member.objects.values_list("number", flat=True)) == [1, 2]


def test_bulk_reject(admin_client, make_application):
    a = make_application()
    admin_client.post(
        "/admin/members/membershipapplication/", {"action": "reject_selected", "_selected_action": [a.pk]}
    )
    assert MembershipApplication.objects.get().status == Status.REJECTED


def _csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_member_csv_export_has_bom_and_neutralises_formulas(admin_client, make_member):
    m = make_member(name='=HYPERLINK("http://evil")', sepa_iban="DE89370400440532013000")
    response = admin_client.post("/admin/members/member/", {"action": "export_csv", "_selected_action": [m.pk]})
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][0] == "Mitgliedsnummer"
    assert rows[1][1].startswith("'=")
    assert rows[1][17] == "DE89370400440532013000"


def test_application_csv_export(admin_client, make_application):
    a = make_application(name="Ümlaut & Söhne")
    response = admin_client.post(
        "/admin/members/membershipapplication/", {"action": "export_csv", "_selected_action": [a.pk]}
    )
    rows = _csv(response)
    assert rows[1][2] == "Ümlaut & Söhne" and rows[1][8] == "jens.meier@example.org"


def test_figures_page(admin_client, make_member, membership_type):
    make_member(region="chemnitz")
    make_member(region="chemnitz")
    make_member(status=Member.Status.ENDED)
    html = admin_client.get("/admin/members/member/figures/").content.decode()
    assert "Mitgliederzahlen" in html
    assert "Stadt Chemnitz" in html
    assert "Aktive Mitglieder: 2" in html
    assert 'href="/admin/members/member/figures/"' in admin_client.get("/admin/members/member/").content.decode()


def test_confirm_resignation_action(admin_client, member_user):
    from members import services

    member = Member.objects.get()
    admin_client.post("/admin/members/member/", {"action": "confirm_resignation", "_selected_action": [member.pk]})
    assert Member.objects.get().resignation_confirmed_at is None  # nothing requested yet
    services.member_resignation_request(member=member, by=member_user)
    admin_client.post("/admin/members/member/", {"action": "confirm_resignation", "_selected_action": [member.pk]})
    assert Member.objects.get().resignation_confirmed_at is not None


def test_staff_without_permission_cannot_decide(client, make_application, django_user_model):
    staff = django_user_model.objects.create_user(email="staff@example.org", is_staff=True)
    give_second_factor(staff)
    client.force_login(staff)
    application = make_application()
    response = client.post(f"/admin/members/membershipapplication/{application.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 403
    assert MembershipApplication.objects.get().status == Status.SUBMITTED


def test_application_page_shows_recorded_consents(admin_client, make_application):
    application = make_application(newsletter=True)
    html = admin_client.get(f"/admin/members/membershipapplication/{application.pk}/change/").content.decode()
    assert "Satzung anerkannt (Version 1)" in html and "Newsletter (Version 1)" in html


def test_staff_add_a_member_by_hand_with_the_next_number(admin_client, make_application, membership_type):
    services_member = make_application()
    from members import services

    services.membership_application_approve(application=services_member)
    response = admin_client.post(
        "/admin/members/member/add/",
        {
            "name": "Handarbeit GmbH", "slug": "handarbeit-gmbh", "street": "Markt 1", "postcode": "08523",
            "city": "Plauen", "region": "vogtlandkreis", "membership_type": membership_type.pk,
            "status": "active", "joined_on": "2026-01-15",
            "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Member.objects.get(slug="handarbeit-gmbh").number == 2
    assert admin_client.get("/admin/members/membershipapplication/add/").status_code == 403


# --- Logo and thumbnail change together (issue 19) ---------------------------


def _member_change_data(member, **extra) -> dict:
    data = {
        "name": member.name, "slug": member.slug, "street": member.street, "postcode": member.postcode,
        "city": member.city, "region": member.region, "membership_type": member.membership_type_id,
        "status": member.status, "joined_on": member.joined_on.isoformat(), "directory_listed": "on",
        "directory_fields": ["logo"], "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
    }  # fmt: skip
    return {**data, **extra}


def test_clearing_the_logo_in_the_admin_clears_the_thumbnail(admin_client, client, make_member):
    from members import services
    from tests.members.conftest import logo_upload

    member = services.member_profile_update(member=make_member(fields=("logo",)), data={}, logo=logo_upload())
    assert member.logo and member.logo_thumbnail
    response = admin_client.post(
        f"/admin/members/member/{member.pk}/change/", _member_change_data(member, **{"logo-clear": "on"})
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert not member.logo and not member.logo_thumbnail
    assert client.get(member.get_absolute_url()).status_code == 200


def test_a_logo_uploaded_in_the_admin_gets_its_own_thumbnail(admin_client, make_member):
    from members import services
    from tests.members.conftest import logo_upload

    member = services.member_profile_update(member=make_member(fields=("logo",)), data={}, logo=logo_upload())
    old_thumbnail = member.logo_thumbnail.name
    response = admin_client.post(
        f"/admin/members/member/{member.pk}/change/", _member_change_data(member, logo=logo_upload("neu.png"))
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert member.logo.name.endswith(".jpg")  # re-encoded, as the member's own upload
    assert member.logo_thumbnail and member.logo_thumbnail.name != old_thumbnail


def test_a_fake_logo_in_the_admin_is_a_form_error(admin_client, make_member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    member = make_member()
    fake = SimpleUploadedFile("logo.png", b"<?php echo 1; ?>" * 10, content_type="image/png")
    response = admin_client.post(f"/admin/members/member/{member.pk}/change/", _member_change_data(member, logo=fake))
    assert response.status_code == 200 and "logo" in response.context["adminform"].form.errors


def test_member_page_without_logo_but_with_a_kept_thumbnail(client, make_member):
    """What staff clearing the logo in the admin left behind before the fix: the page must not fail."""
    member = make_member(fields=("logo", "description"), logo="", logo_thumbnail="members/logos/thumbs/alt.jpg")
    response = client.get(member.get_absolute_url())
    assert response.status_code == 200
    assert "member-logo" not in response.content.decode()
