"""After a run: each invoice rendered as PDF and emailed to the member's main contact — in the background.

Both steps are idempotent (a retried or repeated task renders and mails nothing twice): the document row is
unique per invoice, and the mail is queued in the same transaction that records it.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.utils import timezone

from fees.models import Invoice, InvoiceDocument
from fees.pdf import invoice_pdf
from swsdigital.mail.services import Attachment, email_send
from swsdigital.pages.selectors import site_profile_get

BATCH = 50
logger = logging.getLogger(__name__)


def invoice_document_get_or_render(*, invoice: Invoice) -> InvoiceDocument:
    """Return the invoice's PDF document, rendering and storing it the first time."""
    document = InvoiceDocument.objects.filter(invoice=invoice).first()
    if document is not None:
        return document
    pdf = invoice_pdf(invoice=invoice, profile=site_profile_get())
    with transaction.atomic():
        document, _created = InvoiceDocument.objects.get_or_create(
            invoice=invoice, defaults={"pdf": pdf, "pdf_sha256": hashlib.sha256(pdf).hexdigest()}
        )
    return document


def invoice_einvoice(*, invoice: Invoice) -> bytes:
    """Return the invoice's XRechnung (built when needed, never stored: a debit names the member's account)."""
    from fees.einvoice import invoice_xml
    from members import selectors as members_selectors

    iban = ""
    if invoice.method == Invoice.Method.DEBIT:
        iban = members_selectors.member_bank_accounts(member_ids=[invoice.member_id]).get(invoice.member_id, ("",))[0]
    return invoice_xml(invoice=invoice, profile=site_profile_get(), debtor_iban=iban)


def invoice_issue(*, invoice_id: int) -> bool:
    """Render an invoice's PDF and mail it to the main contact once; return whether a mail was queued."""
    invoice = Invoice.objects.select_related("cancels", "member").get(pk=invoice_id)
    document = invoice_document_get_or_render(invoice=invoice)
    if document.emailed_at or not invoice.recipient_email:
        return False
    with transaction.atomic():
        document = InvoiceDocument.objects.select_for_update().get(pk=document.pk)
        if document.emailed_at:
            return False
        template = "fees/cancellation" if invoice.kind == Invoice.Kind.CANCELLATION else "fees/invoice"
        attachments = [Attachment(document.filename, bytes(document.pdf), "application/pdf")]
        if invoice.is_public_body:
            attachments.append(
                Attachment(f"{invoice.number}-xrechnung.xml", invoice_einvoice(invoice=invoice), "application/xml")
            )
        email = email_send(
            to=invoice.recipient_email,
            template=template,
            context={"invoice": invoice},
            language=invoice.language,
            attachments=attachments,
        )
        document.emailed_at, document.email_id = timezone.now(), email.pk
        document.save(update_fields=["emailed_at", "email_id"])
    return True


def invoices_issue_queue(*, invoice_ids: list[int]) -> None:
    """Hand the invoices to the worker in batches, once the transaction that created them has committed."""
    from fees.tasks import invoices_issue_task

    ids = sorted(invoice_ids)

    def queue():
        try:
            for start in range(0, len(ids), BATCH):
                invoices_issue_task.delay(ids[start : start + BATCH])
        except Exception:  # the broker is down: the sweeper hands the invoices over later, nothing is lost
            logger.warning("fees: %d invoices not handed to the worker; the sweeper will", len(ids), exc_info=True)

    transaction.on_commit(queue)


def invoices_unissued() -> list[int]:
    """Return the invoices whose PDF or mail is still missing (the sweeper hands them over again)."""
    return list(Invoice.objects.filter(document__isnull=True).values_list("pk", flat=True).order_by("pk")[:5000])
