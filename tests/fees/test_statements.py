"""Issue 14.5 and 14.7: bank statements — credits matched to invoices, debit batches, returned debits with
reason and fee, hostile or broken files refused with a message, nothing booked twice."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fees.models import BankStatement, Invoice, Payment
from fees.services import dues_run
from fees.services.bank import payment_book_manual, payment_confirm, payment_reject, statement_import
from members.models import Member
from swsdigital.mail.models import OutboxEmail
from tests.fees import camt
from tests.fees.conftest import COLLECTION_DATE, INVOICE_DATE

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices(make_member):
    make_member(), make_member()
    make_member(mandate=False, name="Vogtland Robotik GmbH"), make_member(mandate=False, name="Erzgebirge Holzbau AG")
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    debit = list(Invoice.objects.filter(method="debit").order_by("sequence"))
    transfer = list(Invoice.objects.filter(method="transfer").order_by("sequence"))
    return {"debit": debit, "transfer": transfer}


def _state(invoice: Invoice) -> str:
    invoice.refresh_from_db()
    return invoice.status


def test_a_debit_batch_and_a_transfer_naming_the_invoice_are_booked(invoices):
    d1, d2 = invoices["debit"]
    t1, t2 = invoices["transfer"]
    batch = camt.entry(
        amount=480,
        ref="BATCH-1",
        txs=[camt.tx(amount=240, e2e=f"SWS-{d1.number}"), camt.tx(amount=240, e2e=f"SWS-{d2.number}")],
    )
    transfer = camt.entry(
        amount=240, ref="TRF-1", txs=[camt.tx(name=t1.recipient_name, remittance=f"Beitrag Rechnung {t1.number} danke")]
    )
    report = statement_import(data=camt.camt053(batch, transfer), filename="januar.xml")
    assert len(report.booked) == 3 and not report.proposed and not report.unassigned
    assert [_state(i) for i in (d1, d2, t1, t2)] == ["paid", "paid", "paid", "open"]
    d1.refresh_from_db()
    assert d1.paid_on == datetime.date(2027, 1, 27)
    assert {p.kind for p in Payment.objects.all()} == {"debit", "transfer"}
    assert all(isinstance(p.amount, Decimal) for p in Payment.objects.all())


def test_uncertain_credits_are_proposed_or_kept_never_booked(invoices):
    t1, t2 = invoices["transfer"]
    wrong_amount = camt.entry(amount=200, ref="TRF-2", txs=[camt.tx(remittance=f"RG {t1.number}", name="Irgendwer")])
    by_name = camt.entry(
        amount=240, ref="TRF-3", txs=[camt.tx(name=t2.recipient_name.upper(), remittance="Mitgliedsbeitrag")]
    )
    donation = camt.entry(amount=50, ref="TRF-4", txs=[camt.tx(name="Erika Spenderin", remittance="Spende")])
    report = statement_import(data=camt.camt053(wrong_amount, by_name, donation))
    assert (len(report.booked), len(report.proposed), len(report.unassigned)) == (0, 2, 1)
    assert _state(t1) == _state(t2) == "open"
    proposed = Payment.objects.get(bank_reference="TRF-3")
    assert proposed.invoice == t2 and proposed.state == "proposed"
    payment_confirm(payment=proposed)
    assert _state(t2) == "paid"
    payment_reject(payment=Payment.objects.get(bank_reference="TRF-4"))
    with pytest.raises(ValidationError):
        payment_reject(payment=proposed)  # booked: not rejected any more


def test_a_returned_debit_reopens_the_invoice_tells_the_member_and_ends_a_closed_accounts_mandate(invoices):
    d1, d2 = invoices["debit"]
    batch = camt.entry(
        amount=480,
        ref="BATCH-1",
        txs=[camt.tx(amount=240, e2e=f"SWS-{d1.number}"), camt.tx(amount=240, e2e=f"SWS-{d2.number}")],
    )
    statement_import(data=camt.camt053(batch, statement_id="STMT-1"))
    returns = [
        camt.entry(
            amount=243,
            credit=False,
            ref="RET-1",
            txs=[camt.tx(amount=240, e2e=f"SWS-{d1.number}", reason="AC04", fee=3)],
        ),
        camt.entry(
            amount=240, credit=False, ref="RET-2", txs=[camt.tx(amount=240, e2e=f"SWS-{d2.number}", reason="MD06")]
        ),
        camt.entry(amount=99, credit=False, ref="OWN-1", txs=[camt.tx(amount=99, name="Druckerei")]),  # our own expense
    ]
    report = statement_import(data=camt.camt054(*returns))
    assert len(report.returned) == 2 and report.ignored == 1
    assert _state(d1) == _state(d2) == "open"
    first = Payment.objects.get(bank_reference="RET-1")
    assert (first.amount, first.bank_fee, first.return_reason) == (Decimal("-240.00"), Decimal("3.00"), "AC04")
    closed = Member.objects.get(pk=d1.member_id)
    assert closed.sepa_mandate_reference == "" and closed.sepa_iban == ""  # AC04: the account is gone
    assert Member.objects.get(pk=d2.member_id).sepa_mandate_reference  # MD06: the mandate stays
    mails = {m.to: m for m in OutboxEmail.objects.filter(template="fees/debit_returned")}
    assert "aufgelöst" in mails[d1.recipient_email].body_text and "3,00" in mails[d1.recipient_email].body_text
    assert "auf Wunsch" in mails[d2.recipient_email].body_text
    # The next year's invoice for the closed account is one for transfer.
    dues_run(year=2028, invoice_date=datetime.date(2028, 1, 3), collection_date=datetime.date(2028, 1, 24))
    assert Invoice.objects.get(year=2028, member_id=d1.member_id).method == "transfer"


def test_the_same_statement_twice_books_nothing_twice(invoices):
    t1 = invoices["transfer"][0]
    data = camt.camt053(camt.entry(amount=240, ref="TRF-1", txs=[camt.tx(remittance=t1.number)]))
    statement_import(data=data)
    with pytest.raises(ValidationError, match=r"bereits|already"):
        statement_import(data=data)
    with pytest.raises(ValidationError):  # the same statement id, re-exported with other bytes
        statement_import(data=data.replace(b"<CreDtTm>2027-01-28T06:00:00", b"<CreDtTm>2027-01-28T07:00:00"))
    # An overlapping statement (another id) holding the same line: the line is skipped.
    report = statement_import(
        data=camt.camt053(
            camt.entry(amount=240, ref="TRF-1", txs=[camt.tx(remittance=t1.number)]), statement_id="STMT-2"
        )
    )
    assert report.skipped == 1 and Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "XML"),
        (b"<Document><BkToCstmrStmt>", "XML"),
        (b"\xff\xfe\x00<", "XML"),
        (b"<Document><Something/></Document>", "CAMT"),
        (b'<?xml version="1.0"?><html><body>Kontoauszug</body></html>', "CAMT"),
        (b"Datum;Betrag\n27.01.2027;240,00\n", "XML"),
        (camt.BILLION_LAUGHS, "Dokumenttyp|document type"),
        (camt.EXTERNAL_ENTITY, "Dokumenttyp|document type"),
        (camt.camt053(camt.entry(amount="abc", ref="X")), "Zahl|number"),
        (camt.camt053(camt.entry(amount="-5", ref="X")), "unmöglich|impossible"),
        (camt.camt053(camt.entry(amount="NaN", ref="X")), "unmöglich|impossible|Zahl|number"),
        (camt.camt053(camt.entry(amount="1E+30", ref="X")), "unmöglich|impossible"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_is_kept(invoices, data, message):
    with pytest.raises(ValidationError, match=message):
        statement_import(data=data)
    assert not BankStatement.objects.exists() and not Payment.objects.exists()


def test_pending_entries_are_not_money_yet(invoices):
    t1 = invoices["transfer"][0]
    pending = camt.entry(amount=240, ref="P-1", status="PDNG", txs=[camt.tx(remittance=t1.number)])
    report = statement_import(data=camt.camt053(pending))
    assert not report.booked and _state(t1) == "open"


def test_a_payment_booked_by_hand(invoices):
    t1 = invoices["transfer"][0]
    with pytest.raises(ValidationError):
        payment_book_manual(invoice=t1, amount=Decimal("0"), booked_on=datetime.date(2026, 12, 1), note="")
    with pytest.raises(ValidationError):
        payment_book_manual(invoice=t1, amount=Decimal("240"), booked_on=datetime.date(2099, 1, 1), note="")
    payment_book_manual(invoice=t1, amount=Decimal("240"), booked_on=datetime.date(2026, 12, 1), note="bar")
    assert _state(t1) == "paid"
    with pytest.raises(ValidationError):
        payment_book_manual(invoice=t1, amount=Decimal("240"), booked_on=datetime.date(2026, 12, 1), note="bar")


def test_the_treasurer_imports_in_the_admin_and_confirms_a_proposal(invoices, staff_login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from swsdigital.core.roles import OFFICE, TREASURER

    t1, t2 = invoices["transfer"]
    data = camt.camt053(
        camt.entry(amount=240, ref="TRF-1", txs=[camt.tx(remittance=t1.number)]),
        camt.entry(amount=240, ref="TRF-2", txs=[camt.tx(name="ERZGEBIRGE HOLZBAU", remittance="Beitrag")]),
    )
    treasurer = staff_login(roles=(TREASURER,))
    bad = treasurer.post(
        "/admin/fees/bankstatement/import/", {"file": SimpleUploadedFile("a.xml", camt.BILLION_LAUGHS)}
    )
    assert bad.status_code == 200 and "Dokumenttyp" in bad.content.decode()
    done = treasurer.post(
        "/admin/fees/bankstatement/import/", {"file": SimpleUploadedFile("januar.xml", data)}, follow=True
    )
    assert done.status_code == 200 and "1 gebucht" in done.content.decode()
    proposal = Payment.objects.get(state="proposed")
    treasurer.post("/admin/fees/payment/", {"action": "confirm", "_selected_action": [proposal.pk]})
    assert _state(t2) == "paid"
    office = staff_login(roles=(OFFICE,))
    assert office.get("/admin/fees/bankstatement/import/").status_code == 403
    assert office.get("/admin/fees/payment/").status_code == 403


def test_every_booking_is_in_the_audit_trail(invoices, staff_login):
    from auditlog.models import LogEntry
    from django.core.files.uploadedfile import SimpleUploadedFile

    from swsdigital.core.roles import TREASURER
    from swsdigital.privacy import audit

    t1, t2 = invoices["transfer"]
    d1 = invoices["debit"][0]
    data = camt.camt053(
        camt.entry(amount=240, ref="TRF-1", txs=[camt.tx(remittance=t1.number)]),
        camt.entry(
            amount=240, credit=False, ref="R-1", txs=[camt.tx(amount=240, e2e=f"SWS-{d1.number}", reason="AM04")]
        ),
    )
    treasurer = staff_login(roles=(TREASURER,))
    treasurer.post("/admin/fees/bankstatement/import/", {"file": SimpleUploadedFile("a.xml", data)})
    entries = LogEntry.objects.filter(additional_data__event=audit.BOOKING)
    assert {(e.additional_data["kind"], e.additional_data["invoice"]) for e in entries} == {
        ("transfer", t1.number),
        ("return", d1.number),
    }
    assert all(e.actor == treasurer.user for e in entries)
    ids = [t2.pk]
    treasurer.post(  # the amount as a German treasurer types it
        "/admin/fees/invoice/",
        {
            "action": "book_manual",
            "_selected_action": ids,
            "post": "yes",
            "amount": "240,00",
            "booked_on": "01.12.2026",
        },
    )
    assert LogEntry.objects.filter(additional_data__event=audit.BOOKING, additional_data__kind="manual").count() == 1
