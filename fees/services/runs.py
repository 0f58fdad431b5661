"""The yearly dues run: a preview of who owes what, then one invoice per member who owes the fee.

Invoice numbers are gap-free per year (``2027-0001``): a block of numbers is taken from the year's counter
row, locked until the transaction ends, so a rolled-back run issues nothing and parallel runs never share a
number. The run's own row is locked first, so a second run for the same year waits and then finds every
invoice issued (``dues_key``): it creates nothing twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _

from fees.models import DuesRun, Invoice, InvoiceCounter
from members import selectors as members_selectors

from .rules import JOINING, REASONS, REDUCED, FeeDecision, FeeRates

YEAR_MIN, YEAR_MAX = 2000, 2100


@dataclass
class Group:
    label: str
    count: int = 0
    total: Decimal = Decimal("0.00")

    def add(self, amount: Decimal) -> None:
        self.count += 1
        self.total += amount


@dataclass
class Planned:
    member: object
    decision: FeeDecision
    method: str


@dataclass
class DuesPreview:
    year: int
    invoice_date: datetime.date
    collection_date: datetime.date
    planned: list[Planned] = field(default_factory=list)  # invoices the run would create
    issued: int = 0  # members who already have their invoice for the year
    not_owing: list[tuple[object, FeeDecision]] = field(default_factory=list)  # waived, joining-free, no rate
    resigning: list[object] = field(default_factory=list)  # owe this year, leave at its end
    without_mandate: list[object] = field(default_factory=list)  # pay by transfer
    by_type: dict[str, Group] = field(default_factory=dict)
    by_method: dict[str, Group] = field(default_factory=dict)
    by_reason: dict[str, Group] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.planned)

    @property
    def total(self) -> Decimal:
        return sum((p.decision.amount for p in self.planned), Decimal("0.00"))


@dataclass(frozen=True)
class DuesRunResult:
    run: DuesRun
    created: int
    already: int
    total: Decimal


def dues_dates_check(*, year: int, invoice_date: datetime.date, collection_date: datetime.date) -> None:
    """Refuse a year or dates that cannot be right, with translated messages by field."""
    errors = {}
    if not YEAR_MIN <= year <= YEAR_MAX:
        errors["year"] = _("Please choose a fee year between %(min)s and %(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX}
    elif abs(invoice_date.year - year) > 1:
        errors["invoice_date"] = _("The invoice date should lie in the fee year or next to it.")
    days = settings.FEES_PRENOTIFICATION_DAYS
    if collection_date < invoice_date + datetime.timedelta(days=days):
        errors["collection_date"] = _(
            "Direct debits must be announced %(days)s days ahead: the collection date must be on or after %(date)s."
        ) % {"days": days, "date": (invoice_date + datetime.timedelta(days=days)).strftime("%d.%m.%Y")}
    if errors:
        raise ValidationError(errors)


def _method(member) -> str:
    has_mandate = bool(member.sepa_iban) and bool(member.sepa_mandate_reference)
    return Invoice.Method.DEBIT if has_mandate else Invoice.Method.TRANSFER


def dues_preview(*, year: int, invoice_date: datetime.date, collection_date: datetime.date) -> DuesPreview:
    """Return who would be invoiced for ``year``, how much, grouped by type, method and reason."""
    dues_dates_check(year=year, invoice_date=invoice_date, collection_date=collection_date)
    preview = DuesPreview(year=year, invoice_date=invoice_date, collection_date=collection_date)
    rates = FeeRates(year=year)
    issued = set(Invoice.objects.filter(year=year, dues_key__isnull=False).values_list("member_id", flat=True))
    year_end = datetime.date(year, 12, 31)
    methods = dict(Invoice.Method.choices)
    for member in members_selectors.members_in_year(year=year):
        if member.pk in issued:
            preview.issued += 1
            continue
        decision = rates.decide(member)
        if not decision.owes:
            preview.not_owing.append((member, decision))
            preview.by_reason.setdefault(decision.reason, Group(str(REASONS[decision.reason]))).add(decision.amount)
            continue
        method = _method(member)
        preview.planned.append(Planned(member, decision, method))
        preview.by_type.setdefault(member.membership_type.name, Group(member.membership_type.name)).add(decision.amount)
        preview.by_method.setdefault(method, Group(str(methods[method]))).add(decision.amount)
        preview.by_reason.setdefault(decision.reason, Group(str(REASONS[decision.reason]))).add(decision.amount)
        if method == Invoice.Method.TRANSFER:
            preview.without_mandate.append(member)
        if member.resignation_effective_on and member.resignation_effective_on <= year_end:
            preview.resigning.append(member)
    return preview


def invoice_numbers_take(*, year: int, count: int) -> list[int]:
    """Take ``count`` consecutive numbers of ``year``, holding the counter's lock until the transaction ends."""
    counter = InvoiceCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                InvoiceCounter.objects.create(year=year, last_number=0)
        except IntegrityError:
            pass  # created concurrently
        counter = InvoiceCounter.objects.select_for_update().get(year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return list(range(first, first + count))


def invoice_number_format(*, year: int, sequence: int) -> str:
    return f"{year}-{sequence:04d}"


def _language(member) -> str:
    contact = member.main_contacts[0] if getattr(member, "main_contacts", None) else None
    language = getattr(getattr(contact, "user", None), "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _description(*, year: int, member, decision: FeeDecision, language: str) -> str:
    with translation.override(language):
        text = _("Membership fee %(year)s (%(type)s)") % {"year": year, "type": member.membership_type.name}
        if decision.reason == JOINING:
            text += ", " + _("joining year, %(months)s of the annual fee") % {"months": decision.note}
        elif decision.reason == REDUCED:
            text += ", " + _("individual fee")
    return text[:300]


def _invoice(*, planned: Planned, run: DuesRun, sequence: int, by) -> Invoice:
    member, decision = planned.member, planned.decision
    contact = member.main_contacts[0] if member.main_contacts else None
    language = _language(member)
    year = run.year
    debit = planned.method == Invoice.Method.DEBIT
    payment_days = settings.FEES_PAYMENT_DAYS
    with translation.override(language):
        type_name = member.membership_type.name
    return Invoice(
        number=invoice_number_format(year=year, sequence=sequence),
        year=year,
        sequence=sequence,
        kind=Invoice.Kind.INVOICE,
        member=member,
        run=run,
        dues_key=f"{year}:{member.pk}",
        recipient_name=member.name,
        recipient_contact=contact.name if contact else "",
        recipient_street=member.street,
        recipient_postcode=member.postcode,
        recipient_city=member.city,
        recipient_email=contact.email if contact else "",
        membership_type_name=type_name,
        is_public_body=member.membership_type.category == "municipality",
        description=_description(year=year, member=member, decision=decision, language=language),
        period_start=decision.period_start or datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        amount=decision.amount,
        method=planned.method,
        mandate_reference=member.sepa_mandate_reference if debit else "",
        mandate_signed_on=member.sepa_mandate_signed_on if debit else None,
        invoice_date=run.invoice_date,
        due_date=run.collection_date if debit else run.invoice_date + datetime.timedelta(days=payment_days),
        collection_date=run.collection_date if debit else None,
        language=language,
        created_by=by,
    )


def dues_run(*, year: int, invoice_date: datetime.date, collection_date: datetime.date, by=None) -> DuesRunResult:
    """Issue the year's invoices to every member who owes the fee and has none yet; idempotent."""
    dues_dates_check(year=year, invoice_date=invoice_date, collection_date=collection_date)
    with transaction.atomic():
        run = DuesRun.objects.select_for_update().filter(year=year).first()
        if run is None:
            try:
                with transaction.atomic():
                    DuesRun.objects.create(
                        year=year, invoice_date=invoice_date, collection_date=collection_date, created_by=by
                    )
            except IntegrityError:
                pass  # a parallel run created it; wait for its lock below
            run = DuesRun.objects.select_for_update().get(year=year)
        # Later runs of the year (members admitted since) keep the dates chosen now for their invoices.
        run.invoice_date, run.collection_date = invoice_date, collection_date
        preview = dues_preview(year=year, invoice_date=invoice_date, collection_date=collection_date)
        numbers = invoice_numbers_take(year=year, count=preview.count) if preview.count else []
        invoices = [
            _invoice(planned=planned, run=run, sequence=number, by=by)
            for planned, number in zip(preview.planned, numbers, strict=True)
        ]
        Invoice.objects.bulk_create(invoices, batch_size=500)
        run.invoice_count += len(invoices)
        run.total += preview.total
        run.save(update_fields=["invoice_date", "collection_date", "invoice_count", "total", "updated_at"])
        if invoices:
            from .issuing import invoices_issue_queue

            invoices_issue_queue(invoice_ids=[invoice.pk for invoice in invoices])
    return DuesRunResult(run=run, created=len(invoices), already=preview.issued, total=preview.total)


def invoices_by_state(*, year: int) -> dict[str, int]:
    """Return the number of the year's invoices per state (for the run's page)."""
    rows = Invoice.objects.filter(year=year, kind=Invoice.Kind.INVOICE).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}
