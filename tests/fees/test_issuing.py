"""Issue 14.3: after a run the worker renders each PDF and mails it through the outbox — once — and the member
area lists the invoices, downloadable only by that member's accounts and the treasurer."""

import pytest
from django.test import Client

from fees.models import Invoice, InvoiceDocument
from fees.services import dues_run, invoice_cancel
from fees.services.issuing import invoice_issue
from members.models import Contact
from swsdigital.core.roles import OFFICE, TREASURER
from swsdigital.mail.models import OutboxEmail
from tests.fees.conftest import COLLECTION_DATE, INVOICE_DATE
from tests.harness import wait_until


def _contact_client(member) -> Client:
    contact = Contact.objects.get(member=member, is_main=True)
    client = Client()
    client.force_login(contact.user)
    return client


@pytest.mark.integration
def test_the_worker_mails_every_invoice_with_its_pdf_once(transactional_db, celery_worker, smtp_sink, make_member):
    members = [make_member(), make_member(mandate=False)]
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    for member in members:
        contact = Contact.objects.get(member=member, is_main=True)
        invoice = Invoice.objects.get(member=member)

        def invoice_mails(email=contact.email, number=invoice.number):
            return [m for m in smtp_sink.to(email) if number in m["Subject"]]

        wait_until(invoice_mails, timeout=60, message="invoice mail")
        [mail] = invoice_mails()
        [pdf] = [part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"]
        assert pdf.get_filename() == f"{invoice.number}.pdf"
        assert pdf.get_content()[:5] == b"%PDF-"
    wait_until(lambda: InvoiceDocument.objects.filter(emailed_at__isnull=False).count() == 2, message="recorded")
    # Repeating the task (a retry, a second sweep) sends nothing again.
    assert not any(invoice_issue(invoice_id=pk) for pk in Invoice.objects.values_list("pk", flat=True))
    assert OutboxEmail.objects.filter(template="fees/invoice").count() == 2


@pytest.mark.django_db
def test_the_member_area_lists_the_invoices_and_serves_only_their_own(make_member, staff_login):
    mine, theirs = make_member(), make_member()
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    for invoice in Invoice.objects.all():
        invoice_issue(invoice_id=invoice.pk)
    own = Invoice.objects.get(member=mine)
    other = Invoice.objects.get(member=theirs)
    cancellation = invoice_cancel(invoice=own, reason="Falscher Satz")
    invoice_issue(invoice_id=cancellation.pk)
    client = _contact_client(mine)
    page = client.get("/konto/mitgliedschaft/rechnungen/")
    html = page.content.decode()
    assert page.status_code == 200 and own.number in html and cancellation.number in html and other.number not in html
    assert "/konto/mitgliedschaft/rechnungen/" in client.get("/konto/mitgliedschaft/").content.decode()  # in the nav
    download = client.get(f"/konto/mitgliedschaft/rechnungen/{own.number}.pdf")
    assert download.status_code == 200 and download.content[:5] == b"%PDF-"
    assert download["Content-Type"] == "application/pdf" and "no-store" in download["Cache-Control"]
    for number in (other.number, "2027-9999", "../../etc/passwd", "%00", "x" * 500):
        assert client.get(f"/konto/mitgliedschaft/rechnungen/{number}.pdf").status_code in (400, 404), number
    anonymous = Client().get(f"/konto/mitgliedschaft/rechnungen/{own.number}.pdf")
    assert anonymous.status_code == 302 and "/konto/login/" in anonymous["Location"]
    # The treasurer downloads any invoice in the admin; the office does not.
    treasurer = staff_login(roles=(TREASURER,))
    assert treasurer.get(f"/admin/fees/invoice/{other.pk}/pdf/").content[:5] == b"%PDF-"
    assert staff_login(roles=(OFFICE,)).get(f"/admin/fees/invoice/{other.pk}/pdf/").status_code == 403


@pytest.mark.django_db
def test_a_logged_in_non_member_gets_the_not_a_member_page(django_user_model):
    user = django_user_model.objects.create_user(email="gast@example.org", password="x-very-long-pass")
    client = Client()
    client.force_login(user)
    assert client.get("/konto/mitgliedschaft/rechnungen/").status_code == 403
    assert client.get("/konto/mitgliedschaft/rechnungen/2027-0001.pdf").status_code == 404


@pytest.mark.django_db
def test_the_invoice_page_has_a_fixed_number_of_queries(make_member, django_assert_max_num_queries):
    member = make_member()
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    client = _contact_client(member)
    with django_assert_max_num_queries(30) as few:
        client.get("/konto/mitgliedschaft/rechnungen/")
    for year in range(2028, 2036):
        dues_run(
            year=year, invoice_date=INVOICE_DATE.replace(year=year), collection_date=COLLECTION_DATE.replace(year=year)
        )
    for invoice in Invoice.objects.all():
        invoice_issue(invoice_id=invoice.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/konto/mitgliedschaft/rechnungen/").content.decode().count(".pdf") >= 9
