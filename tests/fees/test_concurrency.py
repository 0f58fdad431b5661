"""Issue 14.2: parallel dues runs and cancellations never share or skip an invoice number — on SQLite
(IMMEDIATE transactions) and on PostgreSQL (row locks)."""

import datetime

import pytest

from fees.models import Invoice
from fees.services import dues_run, invoice_cancel
from tests.fees.conftest import COLLECTION_DATE, INVOICE_DATE
from tests.harness import simultaneously


@pytest.fixture(autouse=True)
def _no_pdfs(monkeypatch):
    """These runs are about numbers, not PDFs: a session's live worker must not render them during the flush."""
    from fees import tasks

    monkeypatch.setattr(tasks.invoices_issue_task, "delay", lambda ids: None)


@pytest.mark.django_db(transaction=True)
def test_parallel_runs_of_one_year_issue_each_invoice_once_and_number_without_gaps(make_member):
    for _ in range(12):
        make_member()

    def run():
        return dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE).created

    results = simultaneously([run for _ in range(4)])
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(results) == [0, 0, 0, 12]
    sequences = sorted(Invoice.objects.filter(year=2027).values_list("sequence", flat=True))
    assert sequences == list(range(1, 13))


@pytest.mark.django_db(transaction=True)
def test_runs_of_two_years_and_cancellations_in_parallel_keep_each_year_gap_free(make_member):
    for _ in range(6):
        make_member()
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    to_cancel = list(Invoice.objects.filter(year=2027).order_by("sequence")[:3])
    actions = [lambda i=i: invoice_cancel(invoice=i, reason="Korrektur").number for i in to_cancel]
    actions.append(
        lambda: (
            dues_run(
                year=2028, invoice_date=datetime.date(2028, 1, 3), collection_date=datetime.date(2028, 1, 24)
            ).created
        )
    )
    results = simultaneously(actions)
    assert not [r for r in results if isinstance(r, BaseException)], results
    for year, count in ((2027, 9), (2028, 6)):
        sequences = sorted(Invoice.objects.filter(year=year).values_list("sequence", flat=True))
        assert sequences == list(range(1, count + 1)), (year, sequences)


@pytest.mark.django_db(transaction=True)
def test_the_same_statement_uploaded_twice_at_once_books_once(make_member):
    from django.core.exceptions import ValidationError

    from fees.models import Payment
    from fees.services.bank import statement_import
    from tests.fees import camt

    make_member(mandate=False)
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    invoice = Invoice.objects.get()
    data = camt.camt053(camt.entry(amount=240, ref="TRF-1", txs=[camt.tx(remittance=invoice.number)]))
    results = simultaneously([lambda: statement_import(data=data) for _ in range(3)])
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 2 and all(isinstance(e, ValidationError) for e in errors), results
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.status == "paid"


@pytest.mark.django_db(transaction=True)
def test_two_debit_files_at_once_never_hold_the_same_debit(make_member):
    from django.core.exceptions import ValidationError

    from fees.models import DebitEntry
    from fees.services.issuing import invoice_issue
    from fees.services.sepa import debit_file_create
    from swsdigital.pages.models import SiteProfile
    from tests.fees.test_pdf import PROFILE

    SiteProfile.objects.create(**PROFILE)
    for _ in range(3):
        make_member()
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    for pk in Invoice.objects.values_list("pk", flat=True):
        invoice_issue(invoice_id=pk)
    results = simultaneously(
        [lambda: debit_file_create(year=2027, collection_date=COLLECTION_DATE).invoice_count for _ in range(3)]
    )
    assert sorted(r for r in results if not isinstance(r, BaseException)) == [3]
    assert all(isinstance(r, ValidationError) for r in results if isinstance(r, BaseException)), results
    assert DebitEntry.objects.count() == 3
