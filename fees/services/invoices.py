"""Corrections of issued invoices: a cancellation invoice, never an edit or a deletion."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fees.models import Invoice

from .runs import invoice_number_format, invoice_numbers_take

# The issued document's fields a cancellation repeats (the recipient, the period, the payment terms).
_COPIED = (
    "year", "member", "recipient_name", "recipient_contact", "recipient_street", "recipient_postcode",
    "recipient_city", "recipient_email", "membership_type_name", "is_public_body", "period_start", "period_end",
    "method", "language",
)  # fmt: skip


def invoice_cancel(*, invoice: Invoice, reason: str, by=None) -> Invoice:
    """Cancel an invoice by issuing a cancellation invoice over the negative amount; return it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for the cancellation.")})
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.kind != Invoice.Kind.INVOICE:
            raise ValidationError(_("A cancellation invoice cannot itself be cancelled."), code="kind")
        if invoice.status == Invoice.Status.CANCELLED:
            raise ValidationError(_("Invoice %(number)s is already cancelled.") % {"number": invoice.number})
        if invoice.status == Invoice.Status.PAID:
            raise ValidationError(
                _("Invoice %(number)s is paid: refund the payment before cancelling it.") % {"number": invoice.number},
                code="paid",
            )
        [sequence] = invoice_numbers_take(year=invoice.year, count=1)
        today = timezone.localdate()
        with translation.override(invoice.language):
            description = _("Cancellation of invoice %(number)s") % {"number": invoice.number}
        cancellation = Invoice(
            **{name: getattr(invoice, name) for name in _COPIED},
            number=invoice_number_format(year=invoice.year, sequence=sequence),
            sequence=sequence,
            kind=Invoice.Kind.CANCELLATION,
            cancels=invoice,
            description=description[:300],
            amount=-invoice.amount,
            invoice_date=today,
            due_date=today,
            note=reason[:300],
            status=Invoice.Status.CANCELLED,
            created_by=by,
        )
        cancellation.full_clean(exclude=["member", "cancels"])
        cancellation.save()
        invoice.status = Invoice.Status.CANCELLED
        invoice.state_changed_at = timezone.now()
        invoice.save(update_fields=["status", "state_changed_at"])
        from .issuing import invoices_issue_queue

        invoices_issue_queue(invoice_ids=[cancellation.pk])
    return cancellation
