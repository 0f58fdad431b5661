"""Issue 13 × 14: erasing a person keeps their invoices (§ 147 AO) with a pseudonymous reference instead."""

import pytest

from fees.models import Invoice
from fees.privacy import pseudonym
from fees.services import dues_run
from swsdigital.privacy.services import person_erase, person_export, person_preview
from tests.fees.conftest import COLLECTION_DATE, INVOICE_DATE

pytestmark = pytest.mark.django_db


def test_erasure_replaces_the_person_on_kept_invoices(make_member):
    member = make_member()
    other = make_member()
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    invoice = Invoice.objects.get(member=member)
    email, contact = invoice.recipient_email, invoice.recipient_contact
    assert person_export(email=email)["data"]["fees"]["invoices"][0]["number"] == invoice.number
    [holding] = [h for h in person_preview(email=email).holdings if h.kind == "fees.invoice"]
    assert (holding.count, holding.action) == (1, "anonymised")
    # The main contact of an active member is kept by the members app; the invoices lose the person anyway.
    person_erase(email=email)
    invoice.refresh_from_db()
    assert invoice.recipient_email == "" and invoice.recipient_contact == pseudonym(email) != contact
    assert invoice.amount and invoice.number and invoice.recipient_name == member.name  # the document stays
    assert Invoice.objects.get(member=other).recipient_email  # nobody else is touched
    assert pseudonym(email) == pseudonym(email) and pseudonym(email) != pseudonym("x" + email)
