"""Issue 14.2: the dues run — preview, gap-free numbers, idempotence, who owes nothing, bad dates."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from fees.models import DuesRun, Invoice, MemberFee
from fees.services import dues_preview, dues_run, invoice_cancel
from members.models import Member
from tests.fees.conftest import COLLECTION_DATE, INVOICE_DATE

pytestmark = pytest.mark.django_db

DATES = {"invoice_date": INVOICE_DATE, "collection_date": COLLECTION_DATE}


@pytest.fixture
def members(make_member):
    return {
        "debit": make_member(),
        "transfer": make_member(mandate=False),
        "town": make_member(kind="town", mandate=False),
        "waived": make_member(),
        "resigning": make_member(resignation_effective_on=datetime.date(2027, 12, 31)),
        "gone": make_member(resignation_effective_on=datetime.date(2026, 12, 31), status=Member.Status.ENDED),
        "later": make_member(joined=datetime.date(2028, 2, 1)),
    }


def test_the_preview_counts_and_sums_by_type_method_and_reason(members):
    MemberFee.objects.create(member=members["waived"], valid_from_year=2027, amount=0, reason="Förderpartner")
    preview = dues_preview(year=2027, **DATES)
    assert preview.count == 4  # debit, transfer, town, resigning
    assert preview.total == Decimal("1220.00")
    assert {g.label: (g.count, g.total) for g in preview.by_type.values()} == {
        "Unternehmen": (3, Decimal("720.00")),
        "Kommune": (1, Decimal("500.00")),
    }
    assert {k: g.count for k, g in preview.by_method.items()} == {"debit": 2, "transfer": 2}
    assert {m.pk for m in preview.without_mandate} == {members["transfer"].pk, members["town"].pk}
    assert [m.pk for m in preview.resigning] == [members["resigning"].pk]
    assert [(m.pk, d.reason) for m, d in preview.not_owing] == [(members["waived"].pk, "waived")]
    assert not Invoice.objects.exists()  # a preview issues nothing


def test_the_run_issues_one_invoice_per_owing_member_with_gap_free_numbers(members):
    result = dues_run(year=2027, **DATES)
    assert (result.created, result.already) == (5, 0)
    invoices = list(Invoice.objects.order_by("sequence"))
    assert [i.number for i in invoices] == ["2027-0001", "2027-0002", "2027-0003", "2027-0004", "2027-0005"]
    assert {i.member_id for i in invoices} == {
        members[k].pk for k in ("debit", "transfer", "town", "waived", "resigning")
    }
    debit = next(i for i in invoices if i.member_id == members["debit"].pk)
    assert debit.method == "debit" and debit.mandate_reference == members["debit"].sepa_mandate_reference
    assert debit.collection_date == COLLECTION_DATE == debit.due_date
    transfer = next(i for i in invoices if i.member_id == members["transfer"].pk)
    assert transfer.method == "transfer" and transfer.collection_date is None and transfer.mandate_reference == ""
    assert transfer.due_date == INVOICE_DATE + datetime.timedelta(days=30)
    town = next(i for i in invoices if i.member_id == members["town"].pk)
    assert town.is_public_body and town.amount == Decimal("500.00")
    assert debit.description == "Mitgliedsbeitrag 2027 (Unternehmen)"
    assert debit.recipient_contact and debit.recipient_email.startswith("kontakt")
    run = DuesRun.objects.get(year=2027)
    assert (run.invoice_count, run.total) == (5, Decimal("1460.00"))


def test_a_second_run_creates_nothing_twice_and_says_so(members, make_member):
    dues_run(year=2027, **DATES)
    again = dues_run(year=2027, **DATES)
    assert (again.created, again.already) == (0, 5)
    assert Invoice.objects.count() == 5
    # A member admitted since gets the next number on the next run; nobody else is invoiced again.
    newcomer = make_member(joined=datetime.date(2027, 5, 1))
    third = dues_run(year=2027, **DATES)
    assert third.created == 1
    assert Invoice.objects.get(member=newcomer).number == "2027-0006"
    out = StringIO()
    call_command(
        "dues_run", "--year", "2027", "--invoice-date", "2027-01-04", "--collection-date", "2027-01-25", stdout=out
    )
    assert "Nothing to do" in out.getvalue()


def test_numbers_count_per_year(members):
    dues_run(year=2027, **DATES)
    dues_run(year=2028, invoice_date=datetime.date(2028, 1, 3), collection_date=datetime.date(2028, 1, 24))
    assert Invoice.objects.filter(year=2028).order_by("sequence").first().number == "2028-0001"


def test_a_run_without_members_issues_nothing_and_says_so(db):
    result = dues_run(year=2027, **DATES)
    assert result.created == 0 and not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("year", "invoice_date", "collection_date", "field"),
    [
        (2027, INVOICE_DATE, INVOICE_DATE + datetime.timedelta(days=13), "collection_date"),
        (2027, INVOICE_DATE, INVOICE_DATE - datetime.timedelta(days=1), "collection_date"),
        (1999, INVOICE_DATE, COLLECTION_DATE, "year"),
        (2027, datetime.date(2031, 1, 1), datetime.date(2031, 2, 1), "invoice_date"),
    ],
)
def test_impossible_dates_are_refused_by_field(members, year, invoice_date, collection_date, field):
    with pytest.raises(ValidationError) as caught:
        dues_run(year=year, invoice_date=invoice_date, collection_date=collection_date)
    assert field in caught.value.message_dict
    assert not Invoice.objects.exists() and not DuesRun.objects.exists()


def test_the_dry_run_command_changes_nothing_and_bad_input_is_a_clear_error(members):
    out = StringIO()
    call_command("dues_run", "--year", "2027", "--invoice-date", "2027-01-04", "--collection-date", "2027-01-25",
                 "--dry-run", stdout=out)  # fmt: skip
    assert "dry run: 5 invoices over 1.460,00\xa0€ would be issued for 2027." in out.getvalue()
    assert not Invoice.objects.exists()
    with pytest.raises(CommandError, match="14 Tage vorher angekündigt"):
        call_command("dues_run", "--year", "2027", "--invoice-date", "2027-01-04", "--collection-date", "2027-01-05")
    with pytest.raises(CommandError, match="Not a date"):
        call_command("dues_run", "--year", "2027", "--invoice-date", "4.1.2027")
    call_command("dues_run", "--year", "2027", "--invoice-date", "2027-01-04", "--collection-date", "2027-01-25",
                 stdout=out)  # fmt: skip
    assert Invoice.objects.count() == 5


def test_an_issued_invoice_is_never_changed_or_deleted(members):
    dues_run(year=2027, **DATES)
    invoice = Invoice.objects.order_by("sequence").first()
    invoice.amount = Decimal("1.00")
    with pytest.raises(ValidationError):
        invoice.save()
    with pytest.raises(ValidationError):
        invoice.save(update_fields=["amount"])
    with pytest.raises(ValidationError):
        invoice.delete()
    with pytest.raises(ValidationError):
        Invoice.objects.all().delete()
    with pytest.raises(Exception):
        Member.objects.filter(pk=invoice.member_id).delete()
    assert Invoice.objects.get(pk=invoice.pk).amount != Decimal("1.00")


def test_a_cancellation_invoice_corrects_a_mistake(members):
    dues_run(year=2027, **DATES)
    invoice = Invoice.objects.order_by("sequence").first()
    with pytest.raises(ValidationError):
        invoice_cancel(invoice=invoice, reason="  ")
    cancellation = invoice_cancel(invoice=invoice, reason="Falscher Beitragssatz")
    assert cancellation.number == "2027-0006" and cancellation.amount == -invoice.amount
    assert cancellation.kind == "cancellation" and cancellation.cancels_id == invoice.pk
    assert cancellation.description == f"Storno der Rechnung {invoice.number}"
    invoice.refresh_from_db()
    assert invoice.status == "cancelled" and invoice.amount > 0  # the original stays as issued
    with pytest.raises(ValidationError, match="bereits storniert"):
        invoice_cancel(invoice=invoice, reason="nochmal")
    with pytest.raises(ValidationError):
        invoice_cancel(invoice=cancellation, reason="Storno vom Storno")
    # The next run does not re-issue the cancelled member's invoice: the new one is the treasurer's decision.
    assert dues_run(year=2027, **DATES).created == 0
