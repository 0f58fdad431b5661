"""Issue 14.4: the pain.008 file — valid against the official XSD, FRST then RCUR, end-to-end ids that name the
invoice, the pre-notification period, "again" only when asked, clear messages for what is missing."""

import datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import sepaxml
import xmlschema
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from fees.models import DebitEntry, DebitFile, Invoice, InvoiceDocument
from fees.services import dues_run
from fees.services.issuing import invoice_issue
from fees.services.sepa import debit_file_create, debit_plan
from swsdigital.core.roles import OFFICE, TREASURER
from swsdigital.pages.models import SiteProfile
from tests.fees.conftest import COLLECTION_DATE, IBAN, INVOICE_DATE
from tests.fees.test_pdf import PROFILE

pytestmark = pytest.mark.django_db
SCHEMAS = Path(sepaxml.__file__).parent / "schemas"


@pytest.fixture
def profile(db):
    profile = SiteProfile(**PROFILE)
    profile.full_clean()
    profile.save()
    return profile


@pytest.fixture
def issued(profile, make_member):
    members = [make_member(), make_member(), make_member(mandate=False)]
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    for invoice in Invoice.objects.all():
        invoice_issue(invoice_id=invoice.pk)
    return members


def _ns(schema: str) -> dict:
    return {"p": f"urn:iso:std:iso:20022:tech:xsd:{schema}"}


@pytest.mark.parametrize("schema", [s for s, _label in DebitFile.Schema.choices])
def test_the_file_validates_against_the_official_xsd(issued, schema):
    debit_file = debit_file_create(year=2027, collection_date=COLLECTION_DATE, schema=schema)
    xml = bytes(debit_file.xml)
    xmlschema.XMLSchema(str(SCHEMAS / f"{schema}.xsd")).validate(xml.decode())
    root = ET.fromstring(xml)  # noqa: S314 - the file the test just built
    ns = _ns(schema)
    assert root.find(".//p:GrpHdr/p:NbOfTxs", ns).text == "2"
    assert root.find(".//p:GrpHdr/p:CtrlSum", ns).text == "480.00"
    assert root.find(".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", ns).text == "DE98ZZZ09999999999"
    ids = sorted(e.text for e in root.iterfind(".//p:EndToEndId", ns))
    assert ids == sorted(f"SWS-{i.number}" for i in Invoice.objects.filter(method="debit"))
    assert {e.text for e in root.iterfind(".//p:SeqTp", ns)} == {"FRST"}
    assert [e.text for e in root.iterfind(".//p:DbtrAcct//p:IBAN", ns)] == [IBAN, IBAN]
    assert debit_file.message_id == root.find(".//p:GrpHdr/p:MsgId", ns).text


def test_a_mandates_second_collection_is_recurring(issued):
    debit_file_create(year=2027, collection_date=COLLECTION_DATE)
    dues_run(year=2028, invoice_date=datetime.date(2028, 1, 3), collection_date=datetime.date(2028, 1, 24))
    for invoice in Invoice.objects.filter(year=2028):
        invoice_issue(invoice_id=invoice.pk)
    second = debit_file_create(year=2028, collection_date=datetime.date(2028, 1, 24))
    assert set(second.entries.values_list("sequence_type", flat=True)) == {"RCUR"}
    assert b"<SeqTp>RCUR</SeqTp>" in bytes(second.xml).replace(b" ", b"").replace(b"\n", b"")


def test_a_second_file_for_the_same_debits_needs_again(issued):
    debit_file_create(year=2027, collection_date=COLLECTION_DATE)
    plan = debit_plan(year=2027, collection_date=COLLECTION_DATE)
    assert (len(plan.invoices), len(plan.already)) == (0, 2)
    with pytest.raises(ValidationError, match=r"no direct debits|keine Lastschriften"):
        debit_file_create(year=2027, collection_date=COLLECTION_DATE)
    again = debit_file_create(year=2027, collection_date=COLLECTION_DATE, again=True)
    assert again.invoice_count == 2 and again.again
    assert DebitEntry.objects.count() == 4


def test_invoices_mailed_too_late_for_the_date_are_left_out(issued):
    late = Invoice.objects.filter(method="debit").order_by("sequence").first()
    InvoiceDocument.objects.filter(invoice=late).update(
        emailed_at=datetime.datetime(2027, 1, 20, 9, 0, tzinfo=datetime.UTC)
    )
    plan = debit_plan(year=2027, collection_date=COLLECTION_DATE)
    assert [i.pk for i in plan.too_early] == [late.pk] and len(plan.invoices) == 1
    assert debit_file_create(year=2027, collection_date=COLLECTION_DATE).invoice_count == 1


def test_without_the_creditor_identifier_the_file_is_refused_with_a_message(issued, profile):
    SiteProfile.objects.filter(pk=profile.pk).update(creditor_id="")
    from swsdigital.pages.selectors import site_profile_cache_clear

    site_profile_cache_clear()
    with pytest.raises(ValidationError, match=r"Gläubiger-ID|creditor identifier"):
        debit_file_create(year=2027, collection_date=COLLECTION_DATE)
    assert not DebitFile.objects.exists()


def test_the_command_writes_the_file_and_refuses_bad_input(issued, tmp_path):
    out = tmp_path / "lastschrift.xml"
    call_command("sepa_export", "--year", "2027", "--out", str(out), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert out.read_bytes().startswith(b"<?xml") and b"SWS-2027-0001" in out.read_bytes()
    with pytest.raises(CommandError):
        call_command("sepa_export", "--year", "2027", "--out", str(out))  # already in a file
    call_command("sepa_export", "--year", "2027", "--out", str(out), "--again", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="Not a date"):
        call_command("sepa_export", "--year", "2027", "--out", str(out), "--collection-date", "morgen")
    with pytest.raises(CommandError, match="no open direct debits"):
        call_command("sepa_export", "--year", "2031", "--out", str(out))


def test_the_treasurer_creates_and_downloads_the_file_in_the_admin(issued, staff_login):
    treasurer = staff_login(roles=(TREASURER,))
    form = {"year": "2027", "collection_date": "25.01.2027", "schema": "pain.008.001.02"}
    preview = treasurer.post("/admin/fees/debitfile/create/", form)
    assert preview.status_code == 200 and 'id="debit-preview"' in preview.content.decode()
    assert not DebitFile.objects.exists()
    done = treasurer.post("/admin/fees/debitfile/create/", {**form, "confirm": "yes"}, follow=True)
    debit_file = DebitFile.objects.get()
    assert done.status_code == 200 and debit_file.total == Decimal("480.00")
    download = treasurer.get(f"/admin/fees/debitfile/{debit_file.pk}/download/")
    assert download.content.startswith(b"<?xml") and download["Content-Type"] == "application/xml"
    again = treasurer.post("/admin/fees/debitfile/create/", {**form, "confirm": "yes"})
    assert again.status_code == 200 and DebitFile.objects.count() == 1  # the message, not a second file
    office = staff_login(roles=(OFFICE,))
    assert office.get("/admin/fees/debitfile/create/").status_code == 403
    assert office.get(f"/admin/fees/debitfile/{debit_file.pk}/download/").status_code == 403
