"""Issue 14.3: public bodies get an XRechnung (CII, EN 16931) beside the PDF, valid against the shipped schema."""

from pathlib import Path

import drafthorse
import pytest
from lxml import etree

from fees.models import Invoice
from fees.services import dues_run
from fees.services.issuing import invoice_einvoice, invoice_issue
from members.models import Contact
from swsdigital.mail.models import OutboxEmail
from swsdigital.pages.models import SiteProfile
from tests.fees.conftest import COLLECTION_DATE, IBAN, INVOICE_DATE
from tests.fees.test_pdf import PROFILE

pytestmark = pytest.mark.django_db
XSD = Path(drafthorse.__file__).parent / "schema" / "Factur-X_1.0.07_EN16931.xsd"
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


@pytest.fixture
def invoices(db, make_member):
    SiteProfile.objects.create(**PROFILE)
    make_member(kind="town", mandate=False, name="Stadt Plauen")
    make_member(kind="town", name="Gemeinde Muldenhammer")
    make_member()
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    return Invoice.objects.order_by("sequence")


def _valid(xml: bytes):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.fromstring(xml)
    schema.assertValid(document)
    return document


def test_the_xrechnung_is_valid_and_carries_number_amount_and_payment(invoices):
    town = invoices.get(recipient_name="Stadt Plauen")
    doc = _valid(invoice_einvoice(invoice=town))
    assert doc.findtext(".//rsm:ExchangedDocument/ram:ID", namespaces=NS) == town.number
    assert doc.findtext(".//ram:DuePayableAmount", namespaces=NS) == "500.00"
    assert doc.findtext(".//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode", namespaces=NS) == "58"
    assert doc.findtext(".//ram:PayeePartyCreditorFinancialAccount/ram:IBANID", namespaces=NS) == PROFILE["bank_iban"]
    assert doc.findtext(".//ram:ApplicableTradeTax/ram:CategoryCode", namespaces=NS) == "O"
    assert "xrechnung" in doc.findtext(".//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", namespaces=NS)
    debit = _valid(invoice_einvoice(invoice=invoices.get(recipient_name="Gemeinde Muldenhammer")))
    assert debit.findtext(".//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode", namespaces=NS) == "59"
    assert debit.findtext(".//ram:PayerPartyDebtorFinancialAccount/ram:IBANID", namespaces=NS) == IBAN
    assert debit.findtext(".//ram:DirectDebitMandateID", namespaces=NS)


def test_only_public_bodies_get_it_by_mail_and_in_the_member_area(invoices, client):
    for invoice in invoices:
        invoice_issue(invoice_id=invoice.pk)
    by_recipient = {m.to: m for m in OutboxEmail.objects.filter(template="fees/invoice")}
    town, company = invoices.get(recipient_name="Stadt Plauen"), invoices.exclude(is_public_body=True).get()
    assert [a["filename"] for a in by_recipient[town.recipient_email].attachments] == [
        f"{town.number}.pdf",
        f"{town.number}-xrechnung.xml",
    ]
    assert [a["filename"] for a in by_recipient[company.recipient_email].attachments] == [f"{company.number}.pdf"]
    client.force_login(Contact.objects.get(member=town.member, is_main=True).user)
    response = client.get(f"/konto/mitgliedschaft/rechnungen/{town.number}.xml")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    _valid(response.content)
    assert "xrechnung" in client.get("/konto/mitgliedschaft/rechnungen/").content.decode().lower()
    assert client.get(f"/konto/mitgliedschaft/rechnungen/{company.number}.xml").status_code == 404
