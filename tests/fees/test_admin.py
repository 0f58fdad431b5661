"""Issue 14.2: the treasurer's dues run page, the read-only invoices, their cancellation, the locked rates."""

import datetime
from decimal import Decimal

import pytest

from fees.models import FeeRate, Invoice
from fees.services import dues_run
from swsdigital.core.roles import EDITORS, OFFICE, PRIVACY, TREASURER
from tests.fees.conftest import COLLECTION_DATE, INVOICE_DATE

pytestmark = pytest.mark.django_db

RUN = "/admin/fees/duesrun/run/"
FORM = {"year": "2027", "invoice_date": "04.01.2027", "collection_date": "25.01.2027"}


@pytest.fixture
def treasurer(staff_login):
    return staff_login(roles=(TREASURER,))


def test_the_treasurer_previews_then_confirms_the_run(treasurer, make_member):
    make_member(), make_member(mandate=False)
    page = treasurer.get(RUN)
    assert page.status_code == 200 and 'name="year"' in page.content.decode()
    preview = treasurer.post(RUN, FORM)
    html = preview.content.decode()
    assert preview.status_code == 200 and 'id="dues-preview"' in html
    assert "480,00" in html and 'value="yes"' in html
    assert not Invoice.objects.exists()
    done = treasurer.post(RUN, {**FORM, "confirm": "yes"}, follow=True)
    assert Invoice.objects.count() == 2
    assert done.redirect_chain[-1][0].startswith("/admin/fees/invoice/?year=2027")
    again = treasurer.post(RUN, {**FORM, "confirm": "yes"}, follow=True)
    assert Invoice.objects.count() == 2
    assert "Nothing to do" in again.content.decode() or "Nichts zu tun" in again.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**FORM, "collection_date": "05.01.2027"}, "collection_date"),
        ({**FORM, "year": "zwanzig"}, "year"),
        ({**FORM, "invoice_date": "31.02.2027"}, "invoice_date"),
        ({**FORM, "year": "99999999999999999999"}, "year"),
        ({**FORM, "invoice_date": "\x00"}, "invoice_date"),
        ({}, "year"),
    ],
)
def test_bad_input_on_the_run_page_is_a_message_by_the_field(treasurer, make_member, data, field):
    make_member()
    response = treasurer.post(RUN, {**data, "confirm": "yes"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert field in response.context["form"].errors
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("role", [OFFICE, EDITORS, PRIVACY])
def test_only_the_treasurer_runs_the_dues_and_sees_invoices(staff_login, make_member, role):
    make_member()
    client = staff_login(roles=(role,))
    assert client.get(RUN).status_code == 403
    assert client.post(RUN, {**FORM, "confirm": "yes"}).status_code == 403
    assert client.get("/admin/fees/invoice/").status_code == 403
    assert not Invoice.objects.exists()


def test_invoices_are_read_only_and_cancelled_by_a_cancellation_invoice(treasurer, make_member):
    make_member()
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    invoice = Invoice.objects.get()
    change = f"/admin/fees/invoice/{invoice.pk}/change/"
    html = treasurer.get(change).content.decode()
    assert invoice.number in html and 'name="amount"' not in html
    treasurer.post(change, {"amount": "1.00", "recipient_name": "Anders"})
    assert Invoice.objects.get(pk=invoice.pk).amount == Decimal("240.00")
    assert treasurer.get(f"/admin/fees/invoice/{invoice.pk}/delete/").status_code == 403
    assert treasurer.get("/admin/fees/invoice/add/").status_code == 403
    ask = treasurer.post("/admin/fees/invoice/", {"action": "cancel", "_selected_action": [invoice.pk]})
    assert ask.status_code == 200 and 'name="reason"' in ask.content.decode()
    assert Invoice.objects.count() == 1  # asking changes nothing
    empty = {"action": "cancel", "_selected_action": [invoice.pk], "post": "yes", "reason": " "}
    assert 'name="reason"' in treasurer.post("/admin/fees/invoice/", empty).content.decode()
    assert Invoice.objects.count() == 1
    treasurer.post("/admin/fees/invoice/", {**empty, "reason": "Doppelt berechnet"})
    assert Invoice.objects.count() == 2
    assert Invoice.objects.get(pk=invoice.pk).status == "cancelled"
    assert Invoice.objects.get(kind="cancellation").amount == Decimal("-240.00")


def test_a_rate_used_by_a_run_is_locked_and_new_rates_start_after_it(treasurer, make_member, types):
    make_member()
    rate = FeeRate.objects.create(membership_type=types["company"], valid_from_year=2026, amount=Decimal("240.00"))
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    change = f"/admin/fees/feerate/{rate.pk}/change/"
    treasurer.post(change, {"membership_type": types["company"].pk, "valid_from_year": "2026", "amount": "999"})
    assert FeeRate.objects.get(pk=rate.pk).amount == Decimal("240.00")
    assert treasurer.post(f"/admin/fees/feerate/{rate.pk}/delete/", {"post": "yes"}).status_code == 403
    add = {"membership_type": types["company"].pk, "valid_from_year": "2027", "amount": "300"}
    response = treasurer.post("/admin/fees/feerate/add/", add)
    assert response.status_code == 200 and "valid_from_year" in response.context["adminform"].form.errors
    treasurer.post("/admin/fees/feerate/add/", {**add, "valid_from_year": "2028", "amount": "312,50"})
    assert FeeRate.objects.filter(valid_from_year=2028, amount=Decimal("312.50")).exists()
    assert Invoice.objects.get().amount == Decimal("240.00")  # the issued invoice never follows a rate


def test_the_invoice_list_has_a_fixed_number_of_queries(treasurer, make_member, django_assert_max_num_queries):
    for _ in range(3):
        make_member()
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    with django_assert_max_num_queries(20) as few:
        treasurer.get("/admin/fees/invoice/")
    for _ in range(12):
        make_member()
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE + datetime.timedelta(days=1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        treasurer.get("/admin/fees/invoice/")


def test_only_the_treasurer_changes_the_associations_bank_details(staff_login):
    from swsdigital.pages.models import SiteProfile

    profile = SiteProfile.objects.create(name="Südwestsachsen Digital e.V.", bank_iban="DE22870500003512345678")
    url = f"/admin/pages/siteprofile/{profile.pk}/change/"
    editor = staff_login(roles=(EDITORS,))
    form = editor.get(url).context["adminform"].form
    assert "bank_iban" not in form.fields and "creditor_id" not in form.fields and "claim_de" in form.fields
    treasurer = staff_login(roles=(TREASURER,))
    form = treasurer.get(url).context["adminform"].form
    assert {"bank_iban", "bank_bic", "bank_name", "creditor_id"} <= set(form.fields)
