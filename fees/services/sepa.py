"""SEPA direct debit files (pain.008) for a run's direct-debit invoices, built and validated with sepaxml.

One file per collection date. Each debit carries the invoice number as end-to-end id, so that the bank's
statement (and a returned debit) names the invoice. A mandate's first collection is FRST, later ones RCUR.
A file counts as submitted once generated: the same invoices go into a second file only when asked "again".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fees.models import DebitEntry, DebitFile, Invoice
from members import selectors as members_selectors
from swsdigital.core.sepa import bic_for_iban
from swsdigital.pages.selectors import site_profile_get


@dataclass(frozen=True)
class DebitPlan:
    collection_date: datetime.date
    invoices: list[Invoice]
    already: list[Invoice]  # in a file before (left out unless "again")
    too_early: list[Invoice]  # mailed less than the pre-notification period before the collection date
    without_account: list[Invoice]  # the member no longer has an IBAN

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.invoices), Decimal("0.00"))


def end_to_end_id(invoice: Invoice) -> str:
    return f"SWS-{invoice.number}"[:35]


def debit_collection_dates(*, year: int) -> list[datetime.date]:
    """Return the collection dates of the year's open direct-debit invoices."""
    return sorted(
        set(
            Invoice.objects.filter(
                year=year, kind=Invoice.Kind.INVOICE, method=Invoice.Method.DEBIT, status=Invoice.Status.OPEN
            ).values_list("collection_date", flat=True)
        )
    )


def debit_plan(*, year: int, collection_date: datetime.date, again: bool = False) -> DebitPlan:
    """Return which open debit invoices a file for ``collection_date`` would hold, and which it leaves out."""
    candidates = list(
        Invoice.objects.filter(
            year=year, kind=Invoice.Kind.INVOICE, method=Invoice.Method.DEBIT, status=Invoice.Status.OPEN,
            collection_date=collection_date,
        ).select_related("document", "member").order_by("sequence")
    )  # fmt: skip
    in_files = set(DebitEntry.objects.filter(invoice__in=candidates).values_list("invoice_id", flat=True))
    days = datetime.timedelta(days=settings.FEES_PRENOTIFICATION_DAYS)
    plan = {"invoices": [], "already": [], "too_early": [], "without_account": []}
    for invoice in candidates:
        document = getattr(invoice, "document", None) if hasattr(invoice, "document") else None
        if invoice.pk in in_files and not again:
            plan["already"].append(invoice)
        elif not invoice.member.sepa_iban:
            plan["without_account"].append(invoice)
        elif document is None or document.emailed_at is None or document.emailed_at.date() + days > collection_date:
            plan["too_early"].append(invoice)
        else:
            plan["invoices"].append(invoice)
    return DebitPlan(collection_date=collection_date, **plan)


def _creditor(schema: str) -> dict:
    profile = site_profile_get()
    missing = [
        label
        for label, value in ((_("creditor identifier"), profile.creditor_id), (_("IBAN"), profile.bank_iban))
        if not value
    ]
    if schema == DebitFile.Schema.V02 and not (profile.bank_bic or bic_for_iban(profile.bank_iban)):
        missing.append(_("BIC"))
    if missing:
        raise ValidationError(
            _("Please first enter the association's %(fields)s in the association profile.")
            % {"fields": ", ".join(str(m) for m in missing)}
        )
    config = {
        "name": profile.name,
        "IBAN": profile.bank_iban,
        "batch": True,
        "creditor_id": profile.creditor_id,
        "currency": "EUR",
        "instrument": "CORE",
    }
    bic = profile.bank_bic or bic_for_iban(profile.bank_iban)
    if bic:
        config["BIC"] = bic
    return config


def _first_collections(mandates: set[str]) -> set[str]:
    """Return the mandates never collected before (their next debit is FRST)."""
    used = set(DebitEntry.objects.filter(mandate_reference__in=mandates).values_list("mandate_reference", flat=True))
    return mandates - used


def debit_file_create(
    *, year: int, collection_date: datetime.date, schema: str = DebitFile.Schema.V02, again: bool = False, by=None
) -> DebitFile:
    """Build, validate against the XSD and store the pain.008 file of a collection date; return it."""
    from sepaxml import SepaDD

    if schema not in DebitFile.Schema.values:
        raise ValidationError({"schema": _("Unknown file format.")})
    with transaction.atomic():
        # One file at a time: two treasurers clicking at once must not put the same debits in two files.
        list(Invoice.objects.select_for_update().filter(year=year, collection_date=collection_date).values("pk"))
        plan = debit_plan(year=year, collection_date=collection_date, again=again)
        if not plan.invoices:
            raise ValidationError(_("There are no direct debits to put in a file for this collection date."))
        sepa = SepaDD(_creditor(schema), schema=schema, clean=True)
        mandates = {i.mandate_reference for i in plan.invoices}
        first = _first_collections(mandates)
        entries = []
        accounts = members_selectors.member_bank_accounts(member_ids={i.member_id for i in plan.invoices})
        for invoice in plan.invoices:
            iban, holder, bic = accounts[invoice.member_id]
            sequence = (
                DebitEntry.Sequence.FIRST if invoice.mandate_reference in first else DebitEntry.Sequence.RECURRING
            )
            payment = {
                "name": holder or invoice.recipient_name,
                "IBAN": iban,
                "amount": int(invoice.amount * 100),
                "type": str(sequence),
                "collection_date": collection_date,
                "mandate_id": invoice.mandate_reference,
                "mandate_date": invoice.mandate_signed_on or invoice.invoice_date,
                "description": f"{invoice.number} {invoice.description}",
                "endtoend_id": end_to_end_id(invoice),
            }
            if bic or schema == DebitFile.Schema.V02:
                payment["BIC"] = bic or bic_for_iban(iban) or "NOTPROVIDED"
            sepa.add_payment(payment)
            entries.append(
                DebitEntry(
                    invoice=invoice, mandate_reference=invoice.mandate_reference, sequence_type=sequence,
                    end_to_end_id=end_to_end_id(invoice), amount=invoice.amount,
                )
            )  # fmt: skip
        message_id = sepa.msg_id  # sepaxml's own unique id of the message (its group header)
        try:
            xml = sepa.export(validate=True, pretty_print=True)
        except Exception as exc:  # sepaxml raises its own validation errors; the message says what failed
            raise ValidationError(_("The direct debit file did not validate: %(error)s") % {"error": exc}) from exc
        debit_file = DebitFile.objects.create(
            year=year, collection_date=collection_date, schema=schema, message_id=message_id, xml=xml,
            invoice_count=len(entries), total=plan.total, again=again, created_by=by,
        )  # fmt: skip
        for entry in entries:
            entry.file = debit_file
        DebitEntry.objects.bulk_create(entries)
    return debit_file
