"""Reads of fee data for views, the admin and other parts."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Invoice, InvoiceDocument


def invoices_for_member(*, member) -> QuerySet[Invoice]:
    """Return a member's invoices and cancellation invoices, newest first, with whether a PDF exists."""
    return (
        Invoice.objects.filter(member=member)
        .select_related("document", "cancels")
        .prefetch_related("reminders")
        .defer("document__pdf")
        .order_by("-year", "-sequence")
    )


def invoice_document_for_member(*, member, number: str) -> InvoiceDocument | None:
    """Return the PDF document of one of the member's invoices, or None."""
    return (
        InvoiceDocument.objects.select_related("invoice").filter(invoice__member=member, invoice__number=number).first()
    )


def invoice_for_member(*, member, number: str) -> Invoice | None:
    """Return one of the member's invoices by number, or None."""
    return Invoice.objects.select_related("member").filter(member=member, number=number).first()
