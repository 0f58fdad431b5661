"""Issue 14.6: open items and reminders — a reminder, then the first and second dunning letter, each once,
stopped by payment, cancellation or resignation, never for a debit still on its way; the open items list."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from fees.models import Invoice, Reminder
from fees.services import dues_run, invoice_cancel
from fees.services.bank import payment_book_manual
from fees.services.issuing import invoice_issue
from fees.services.reminders import reminders_send
from fees.services.sepa import debit_file_create
from swsdigital.core.roles import TREASURER
from swsdigital.mail.models import OutboxEmail
from swsdigital.pages.models import SiteProfile
from tests.fees.conftest import COLLECTION_DATE, INVOICE_DATE
from tests.fees.test_pdf import PROFILE

pytestmark = pytest.mark.django_db
DUE = INVOICE_DATE + datetime.timedelta(days=30)  # transfer payers' due date


def _day(days_after_due: int) -> datetime.date:
    return DUE + datetime.timedelta(days=days_after_due)


@pytest.fixture
def open_transfer(make_member):
    make_member(mandate=False)
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    return Invoice.objects.get()


def test_the_three_levels_go_out_in_order_each_once(open_transfer):
    assert reminders_send(today=_day(13)) == 0
    assert reminders_send(today=_day(14)) == 1
    assert reminders_send(today=_day(20)) == 0  # the same level never twice
    Reminder.objects.update(sent_at=timezone.make_aware(datetime.datetime.combine(_day(14), datetime.time(9))))
    assert reminders_send(today=_day(28)) == 1
    Reminder.objects.filter(level=2).update(
        sent_at=timezone.make_aware(datetime.datetime.combine(_day(28), datetime.time(9)))
    )
    assert reminders_send(today=_day(60)) == 1
    assert reminders_send(today=_day(120)) == 0  # no fourth
    assert list(Reminder.objects.order_by("level").values_list("level", flat=True)) == [1, 2, 3]
    subjects = list(
        OutboxEmail.objects.filter(template="fees/reminder").order_by("pk").values_list("subject", flat=True)
    )
    assert subjects == [
        f"Zahlungserinnerung: Rechnung {open_transfer.number}",
        f"1. Mahnung: Rechnung {open_transfer.number}",
        f"2. Mahnung: Rechnung {open_transfer.number}",
    ]


def test_a_late_start_keeps_the_distance_between_the_levels(open_transfer):
    late = _day(100)
    assert reminders_send(today=late) == 1
    assert Reminder.objects.get().level == 1
    Reminder.objects.update(sent_at=timezone.make_aware(datetime.datetime.combine(late, datetime.time(9))))
    assert reminders_send(today=late + datetime.timedelta(days=1)) == 0
    assert reminders_send(today=late + datetime.timedelta(days=13)) == 0
    assert reminders_send(today=late + datetime.timedelta(days=14)) == 1


@pytest.mark.parametrize("stop", ["paid", "cancelled", "resigned"])
def test_payment_cancellation_or_resignation_stops_the_reminders(open_transfer, stop):
    reminders_send(today=_day(14))
    if stop == "paid":
        payment_book_manual(invoice=open_transfer, amount=Decimal("240"), booked_on=timezone.localdate(), note="")
    elif stop == "cancelled":
        invoice_cancel(invoice=open_transfer, reason="Kulanz")
    else:
        member = open_transfer.member
        member.resignation_requested_at = timezone.now()
        member.save()
    assert reminders_send(today=_day(40)) == 0
    assert Reminder.objects.count() == 1


def test_a_debit_in_a_file_is_not_reminded_until_it_is_returned(make_member, db):
    from fees.services.bank import statement_import
    from tests.fees import camt

    profile = SiteProfile(**PROFILE)
    profile.full_clean()
    profile.save()
    make_member()
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    invoice = Invoice.objects.get()
    invoice_issue(invoice_id=invoice.pk)
    debit_file_create(year=2027, collection_date=COLLECTION_DATE)
    after = COLLECTION_DATE + datetime.timedelta(days=20)
    assert reminders_send(today=after) == 0  # on its way: the statement will tell
    statement_import(
        data=camt.camt054(
            camt.entry(
                amount=240,
                credit=False,
                ref="R-1",
                txs=[camt.tx(amount=240, e2e=f"SWS-{invoice.number}", reason="AM04")],
            )
        )
    )
    assert reminders_send(today=after) == 1


def test_the_open_items_list_filters_sums_and_exports(open_transfer, make_member, staff_login):
    make_member(mandate=False)
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    treasurer = staff_login(roles=(TREASURER,))
    page = treasurer.get("/admin/fees/invoice/", {"status__exact": "open", "year": "2027"})
    html = page.content.decode()
    assert page.status_code == 200 and "480,00" in html
    overdue = treasurer.get("/admin/fees/invoice/", {"overdue": "61"})
    assert overdue.status_code == 200
    ids = list(Invoice.objects.values_list("pk", flat=True))
    export = treasurer.post("/admin/fees/invoice/", {"action": "export_csv", "_selected_action": ids})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Rechnungsnummer" and len(rows) == 3 and rows[1][6] == "240,00"
