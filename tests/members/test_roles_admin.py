"""Issue 13.1: what each staff role can and cannot do in the admin, model by model, with direct URLs,
exports and the masked IBAN."""

import csv
import io

import pytest
from django.contrib import admin

from swsdigital.core.roles import EDITORS, OFFICE, PRIVACY, ROLES, TREASURER
from tests.members.factories import member_admitted

IBAN = "DE89370400440532013000"
MASKED = "DE89 •••• •••• •••• •••• 00"


@pytest.fixture
def member(db):
    member = member_admitted(email="kasse@example.org", name="Kassenprüfung GmbH")
    member.sepa_iban, member.sepa_account_holder = IBAN, "Kassenprüfung GmbH"
    member.save()
    return member


def _models():
    return [(model._meta.app_label, model._meta.model_name) for model in admin.site._registry]


@pytest.mark.parametrize("role", list(ROLES))
def test_every_changelist_and_add_page_follows_the_role(staff_login, role):
    client = staff_login(roles=(role,))
    granted = set(ROLES[role]["permissions"])
    for app, model in _models():
        can_view = f"{app}.view_{model}" in granted or f"{app}.change_{model}" in granted
        status = client.get(f"/admin/{app}/{model}/").status_code
        assert status == (200 if can_view else 403), (role, app, model, status)
        add = client.get(f"/admin/{app}/{model}/add/").status_code
        assert add != 200 or f"{app}.add_{model}" in granted, (role, app, model, "add")
    # The index lists only what the role may open.
    index = client.get("/admin/").content.decode()
    assert ("/admin/newsletter/subscriber/" in index) == (role == OFFICE)
    assert ("/admin/news/newsitem/" in index) == (role == EDITORS)


def test_the_iban_is_masked_for_everyone_but_the_treasurer(staff_login, member):
    change = f"/admin/members/member/{member.pk}/change/"
    office = staff_login(roles=(OFFICE,))
    html = office.get(change).content.decode()
    assert MASKED in html and IBAN not in html and 'name="sepa_iban"' not in html
    treasurer = staff_login(roles=(TREASURER,))
    html = treasurer.get(change).content.decode()
    assert IBAN in html
    # Read-only: the treasurer cannot change the member.
    assert treasurer.post(change, {"name": "Anders"}).status_code == 403
    # Never in the list or its search, not even for the treasurer.
    for client in (office, treasurer):
        listing = client.get("/admin/members/member/", {"q": "Kassen"}).content.decode()
        assert "Kassenprüfung GmbH" in listing and IBAN not in listing and "DE89" not in listing
        assert client.get("/admin/members/member/", {"q": IBAN}).content.decode().count("Kassenprüfung GmbH") == 0


def test_an_office_edit_keeps_the_iban_it_cannot_see(staff_login, member):
    office = staff_login(roles=(OFFICE,))
    page = office.get(f"/admin/members/member/{member.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "sepa_iban" not in form.fields and "sepa_account_holder" not in form.fields
    member.refresh_from_db()
    assert member.sepa_iban == IBAN


@pytest.mark.parametrize(("role", "iban"), [(OFFICE, MASKED), (TREASURER, IBAN)])
def test_the_member_export_masks_the_iban_unless_treasurer(staff_login, member, role, iban):
    client = staff_login(roles=(role,))
    response = client.post("/admin/members/member/", {"action": "export_csv", "_selected_action": [member.pk]})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0]["IBAN"] == iban


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(OFFICE, True), (EDITORS, False), (TREASURER, False), (PRIVACY, False)],
)
def test_participant_tools_are_for_the_office(staff_login, make_event_for_roles, role, allowed):
    event = make_event_for_roles
    client = staff_login(roles=(role,))
    for url in (f"/admin/events/event/{event.pk}/export/", f"/admin/events/event/{event.pk}/check-in/"):
        status = client.get(url).status_code
        assert (status == 200) == allowed, (role, url, status)


@pytest.mark.parametrize(("role", "allowed"), [(OFFICE, True), (EDITORS, True), (TREASURER, False)])
def test_mailing_preview_for_office_and_editors(staff_login, role, allowed):
    from newsletter.models import Mailing

    mailing = Mailing.objects.create(subject="Rundbrief", body="Hallo")
    status = staff_login(roles=(role,)).get(f"/admin/newsletter/mailing/{mailing.pk}/preview/").status_code
    assert (status == 200) == allowed


def test_only_the_office_may_send_a_mailing(staff_login, monkeypatch):
    from newsletter import tasks
    from newsletter.models import Mailing

    monkeypatch.setattr(tasks.mailing_prepare_task, "delay", lambda pk: None)
    monkeypatch.setattr(tasks.mailing_run_task, "delay", lambda pk: None)
    mailing = Mailing.objects.create(subject="Rundbrief", body="Hallo")
    changelist = staff_login(roles=(EDITORS,)).get("/admin/newsletter/mailing/").content.decode()
    assert 'value="send_test"' in changelist and 'value="send_now"' not in changelist
    office = staff_login(roles=(OFFICE,)).get("/admin/newsletter/mailing/").content.decode()
    assert 'value="send_now"' in office
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT


@pytest.fixture
def make_event_for_roles(db):
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Event

    start = timezone.now() + timedelta(days=5)
    return Event.objects.create(
        title="SmartRailCampus", slug="smartrailcampus-rollen", start=start, end=start + timedelta(hours=2)
    )
