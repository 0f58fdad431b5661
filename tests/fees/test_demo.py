"""Issue 14.8: the demo shows a whole fee year — invoices paid by debit and by transfer, open, reminded,
returned and cancelled — and loading it twice changes nothing."""

import pytest
from django.core.management import call_command

from fees.models import DuesRun, Invoice, Payment, Reminder

pytestmark = pytest.mark.django_db


def test_the_demo_holds_every_state_of_the_year_and_loads_idempotently():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Invoice.objects.count(), Payment.objects.count(), Reminder.objects.count())
    assert DuesRun.objects.count() == 1
    assert Payment.objects.filter(kind="debit", state="booked").exists()
    assert Payment.objects.filter(kind="transfer", state="booked").exists()
    assert Payment.objects.filter(kind="return").exists()
    assert Payment.objects.filter(state="proposed").exists()
    assert Invoice.objects.filter(status="open").exists() and Invoice.objects.filter(kind="cancellation").exists()
    assert Reminder.objects.exists()
    returned = Payment.objects.filter(kind="return").values_list("invoice_id", flat=True)
    assert set(Invoice.objects.filter(pk__in=returned).values_list("status", flat=True)) == {"open"}
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Invoice.objects.count(), Payment.objects.count(), Reminder.objects.count()) == counts
