"""Issue 14.3: the invoice PDF — letterhead, number, amount, the payment part and a GiroCode banking apps read."""

import io
from decimal import Decimal

import pytest

from fees.models import Invoice
from fees.pdf import epc_payload, invoice_pdf
from fees.services import dues_run, invoice_cancel
from swsdigital.pages.models import SiteProfile
from tests.fees.conftest import COLLECTION_DATE, INVOICE_DATE

pytestmark = pytest.mark.django_db

PROFILE = {
    "name": "Südwestsachsen Digital e.V.", "street": "Bahnhofstraße 32", "postcode": "09111", "city": "Chemnitz",
    "email": "info@sws-digital.example", "register_entry": "Amtsgericht Chemnitz, VR 4711",
    "tax_number": "215/140/00000", "bank_name": "Sparkasse Chemnitz", "bank_iban": "DE22870500003512345678",
    "bank_bic": "CHEKDE81XXX", "creditor_id": "DE98ZZZ09999999999",
}  # fmt: skip


@pytest.fixture
def profile(db):
    profile = SiteProfile(**PROFILE)
    profile.full_clean()
    profile.save()
    return profile


def _save(pdf: bytes, name: str) -> None:
    import os

    if os.environ.get("FEES_PDF_DIR"):  # to look at: FEES_PDF_DIR=/tmp pytest tests/fees/test_pdf.py
        with open(os.path.join(os.environ["FEES_PDF_DIR"], name), "wb") as out:
            out.write(pdf)


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def _qr_codes(pdf: bytes) -> list[str]:
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=3).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image)]


@pytest.fixture
def invoices(make_member, profile):
    make_member()
    make_member(mandate=False)
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    return {i.method: i for i in Invoice.objects.all()}


def test_a_direct_debit_invoice_carries_the_pre_notification(invoices, profile):
    invoice = invoices["debit"]
    text = _text(invoice_pdf(invoice=invoice, profile=profile))
    for needle in (
        "Südwestsachsen Digital e.V.", "Rechnung 2027-0001", invoice.recipient_name, "240,00", "25.01.2027",
        invoice.mandate_reference, "DE98ZZZ09999999999", "Amtsgericht Chemnitz, VR 4711", "nicht umsatzsteuerbar",
        "Mitgliedsbeitrag 2027",
    ):  # fmt: skip
        assert needle in text, (needle, text)
    assert _qr_codes(invoice_pdf(invoice=invoice, profile=profile)) == []  # nothing to transfer


def test_a_transfer_invoice_has_bank_details_reference_and_a_girocode(invoices, profile):
    invoice = invoices["transfer"]
    pdf = invoice_pdf(invoice=invoice, profile=profile)
    _save(pdf, "invoice-transfer.pdf")
    text = _text(pdf)
    assert "DE22 8705 0000 3512 3456 78" in text and invoice.number in text and "240,00" in text
    assert _qr_codes(pdf) == [
        "BCD\n002\n1\nSCT\nCHEKDE81XXX\nSüdwestsachsen Digital e.V.\nDE22870500003512345678\nEUR240.00\n\n\n"
        + invoice.number
    ]


def test_the_invoice_speaks_the_members_language(invoices, profile):
    invoice = invoices["transfer"]
    Invoice.objects.filter(pk=invoice.pk).update(language="en")
    invoice.refresh_from_db()
    text = _text(invoice_pdf(invoice=invoice, profile=profile))
    assert "Invoice 2027-" in text and "Please transfer" in text and "€240.00" in text.replace(" ", "")


def test_a_cancellation_invoice_names_the_cancelled_one(invoices, profile):
    cancellation = invoice_cancel(invoice=invoices["transfer"], reason="Doppelt berechnet")
    text = _text(invoice_pdf(invoice=cancellation, profile=profile))
    assert f"Stornorechnung {cancellation.number}" in text and invoices["transfer"].number in text
    assert "-240,00" in text.replace("−", "-") and "Doppelt berechnet" in text
    assert _qr_codes(invoice_pdf(invoice=cancellation, profile=profile)) == []


def test_the_epc_payload_follows_the_standard():
    payload = epc_payload(
        name="Verein", iban="DE22 8705 0000 3512 3456 78", bic="", amount=Decimal("5"), reference="R-1"
    )
    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "",
        "Verein",
        "DE22870500003512345678",
        "EUR5.00",
        "",
        "",
        "R-1",
    ]
