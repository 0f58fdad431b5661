"""The fees app's personal-data provider: invoices addressed to a person (as the member's main contact).

Invoices are kept for ten years (§ 147 AO, § 257 HGB): erasure replaces the person's name and address on
them by a pseudonymous reference — the same for all of one person's invoices, so the books stay consistent —
and leaves amounts, numbers and the member organisation as they were issued.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from swsdigital.privacy.registry import ANONYMISED, Holding, PersonalDataProvider

from .models import Invoice

KEPT_REASON = _(
    "Invoices are kept for ten years (§ 147 AO); the person's name and address on them are replaced by a "
    "pseudonymous reference."
)


def pseudonym(email: str) -> str:
    """Return the stable pseudonymous reference that replaces a person on kept invoices."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"fees:{email}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:10].upper()}"


class FeesProvider(PersonalDataProvider):
    name = "fees"
    covers = ("fees.Invoice",)
    title = _("Invoices")
    labels = {
        "invoices": _("Invoices"),
        "number": _("Invoice number"),
        "member": _("Member organisation"),
        "invoice_date": _("Invoice date"),
        "description": _("Description"),
        "amount": _("Amount (EUR)"),
        "method": _("Payment method"),
    }
    value_labels = {"status": dict(Invoice.Status.choices), "method": dict(Invoice.Method.choices)}

    def _invoices(self, email: str):
        return Invoice.objects.filter(recipient_email__iexact=email)

    def _holdings(self, count: int) -> list[Holding]:
        return [Holding("fees.invoice", _("invoices"), count, ANONYMISED, KEPT_REASON)] if count else []

    def preview(self, email: str) -> list[Holding]:
        return self._holdings(self._invoices(email).count())

    def erase(self, email: str) -> list[Holding]:
        # The one write to issued invoices allowed: the person's details give way to the reference.
        count = self._invoices(email).update(recipient_contact=pseudonym(email), recipient_email="")
        return self._holdings(count)

    def object_refs(self, email: str) -> dict[str, list]:
        return {"fees.Invoice": list(self._invoices(email).values_list("pk", flat=True))}

    def export(self, email: str) -> dict:
        invoices = [
            {
                "number": i.number,
                "member": i.recipient_name,
                "invoice_date": i.invoice_date.isoformat(),
                "description": i.description,
                "amount": str(i.amount),
                "method": i.method,
                "status": i.status,
            }
            for i in self._invoices(email).order_by("invoice_date", "sequence")
        ]
        return {"invoices": invoices} if invoices else {}
