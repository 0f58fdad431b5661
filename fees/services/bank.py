"""Money in and back: bank statements matched to invoices, returned debits, payments booked by hand.

A credit is booked when it names the invoice (the direct debit's end-to-end id, or the invoice number in the
remittance text) and its amount is the invoice's; anything less certain is proposed to the treasurer or left
unassigned — never booked on a guess and never dropped. A returned debit reopens its invoice, records the
reason and the bank's fee, tells the member in plain words and, when the account is closed or wrong, ends the
mandate. A statement file is imported once; an overlapping statement books no line twice (the bank's
reference of each line is unique).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fees.camt import Line, StatementError, statement_parse
from fees.models import BankStatement, Invoice, Payment
from members import services as members_services
from swsdigital.mail.services import email_send
from swsdigital.privacy import audit

NUMBER = re.compile(r"(?<![\d-])(20\d\d)-(\d{4,6})(?!\d)")
# The bank's reasons for a returned debit, in words a member understands.
RETURN_REASONS = {
    "AC01": gettext_lazy("the IBAN is wrong"),
    "AC04": gettext_lazy("the account has been closed"),
    "AC06": gettext_lazy("the account is blocked"),
    "AG01": gettext_lazy("direct debits are not allowed on this account"),
    "AM04": gettext_lazy("the account did not have sufficient funds"),
    "MD01": gettext_lazy("the bank holds no mandate for this debit"),
    "MD06": gettext_lazy("the debit was returned at the account holder's request"),
    "MD07": gettext_lazy("the account holder has died"),
    "MS02": gettext_lazy("the account holder objected to the debit"),
    "MS03": gettext_lazy("the bank gave no reason"),
    "SL01": gettext_lazy("the bank blocks debits from this creditor"),
}
MANDATE_ENDS = {"AC01", "AC04", "MD07"}


@dataclass
class ImportReport:
    statement: BankStatement
    booked: list[Payment] = field(default_factory=list)
    proposed: list[Payment] = field(default_factory=list)
    unassigned: list[Payment] = field(default_factory=list)
    returned: list[Payment] = field(default_factory=list)
    skipped: int = 0  # lines already booked from an earlier (overlapping) statement
    ignored: int = 0  # other money going out (the association's own payments)


def _numbers(line: Line) -> list[str]:
    """Return the invoice numbers a line names: its end-to-end id (our debits), then its remittance text."""
    numbers = [line.end_to_end_id[4:]] if line.end_to_end_id.startswith("SWS-") else []
    return numbers + [f"{year}-{int(number):04d}" for year, number in NUMBER.findall(line.remittance)]


class _Invoices:
    """The invoices a statement names, loaded and locked at once (in primary key order), written back at once."""

    def __init__(self, lines: list[Line]):
        numbers = sorted({n for line in lines for n in _numbers(line)})
        self.by_number: dict[str, Invoice] = {}
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            query = Invoice.objects.select_for_update().filter(number__in=chunk, kind=Invoice.Kind.INVOICE)
            self.by_number.update({i.number: i for i in query.order_by("pk")})
        self.changed: dict[int, Invoice] = {}

    def find(self, line: Line) -> Invoice | None:
        return next((self.by_number[n] for n in _numbers(line) if n in self.by_number), None)

    def state(self, invoice: Invoice, status: str, paid_on: datetime.date | None) -> None:
        invoice.status, invoice.paid_on, invoice.state_changed_at = status, paid_on, timezone.now()
        self.changed[invoice.pk] = invoice

    def save(self) -> None:
        Invoice.objects.bulk_update(
            list(self.changed.values()), ["status", "paid_on", "state_changed_at"], batch_size=500
        )


def _guess(line: Line) -> Invoice | None:
    """Return the one open invoice over this amount whose recipient the payer's name matches, if exactly one."""
    payer = line.counterparty.casefold()
    if not payer:
        return None
    candidates = [
        i
        for i in Invoice.objects.filter(status=Invoice.Status.OPEN, kind=Invoice.Kind.INVOICE, amount=line.amount)
        if _name_words(i.recipient_name) & _name_words(payer)
    ]
    return candidates[0] if len(candidates) == 1 else None


_STOP = {"gmbh", "e.v.", "ev", "ag", "kg", "und", "the", "der", "die", "das", "co", "mbh", "ug", "verein"}


def _name_words(name: str) -> set[str]:
    return {w for w in re.split(r"[\s,.;()/&-]+", name.casefold()) if len(w) > 2 and w not in _STOP}


def _mark_paid(invoice: Invoice, *, on: datetime.date) -> None:
    invoice.status, invoice.paid_on, invoice.state_changed_at = Invoice.Status.PAID, on, timezone.now()
    invoice.save(update_fields=["status", "paid_on", "state_changed_at"])


def _book_credit(line: Line, statement: BankStatement, by, invoices: _Invoices) -> Payment:
    """Return the (unsaved) payment of a credit; an invoice it pays is marked paid in ``invoices``."""
    invoice = invoices.find(line)
    kind = Payment.Kind.DEBIT if line.end_to_end_id.startswith("SWS-") else Payment.Kind.TRANSFER
    payment = Payment(
        kind=kind, statement=statement, amount=line.amount, booked_on=line.booked_on,
        bank_reference=line.bank_reference, end_to_end_id=line.end_to_end_id, counterparty=line.counterparty,
        remittance=line.remittance, created_by=by,
    )  # fmt: skip
    if invoice is not None:
        payment.invoice = invoice
        if invoice.status != Invoice.Status.OPEN:
            payment.state = Payment.State.PROPOSED
            payment.note = _("Invoice %(number)s is %(state)s already.") % {
                "number": invoice.number,
                "state": invoice.get_status_display(),
            }
        elif invoice.amount != line.amount:
            payment.state = Payment.State.PROPOSED
            payment.note = _("The amount differs from the invoice (%(amount)s).") % {"amount": invoice.amount}
        else:
            payment.state = Payment.State.BOOKED
            invoices.state(invoice, Invoice.Status.PAID, line.booked_on)
    else:
        guess = _guess(line)
        payment.invoice = guess
        payment.state = Payment.State.PROPOSED if guess else Payment.State.UNASSIGNED
        if guess:
            payment.note = _("Same amount and a similar name; the invoice number is missing.")
    return payment


def _book_return(line: Line, statement: BankStatement, by, invoices: _Invoices) -> Payment:
    """Record a returned debit (saved at once: the member is told in the same transaction)."""
    invoice = invoices.find(line)
    payment = Payment(
        kind=Payment.Kind.RETURN, statement=statement, amount=-line.amount, bank_fee=line.fee,
        booked_on=line.booked_on, bank_reference=line.bank_reference, end_to_end_id=line.end_to_end_id,
        counterparty=line.counterparty, remittance=line.remittance, return_reason=line.return_reason or "MS03",
        created_by=by,
    )  # fmt: skip
    if invoice is None:
        payment.state = Payment.State.UNASSIGNED
        payment.save()
        return payment
    payment.invoice = invoice
    payment.save()
    if invoice.status == Invoice.Status.PAID:
        invoices.state(invoice, Invoice.Status.OPEN, None)
    mandate_ended = False
    if payment.return_reason in MANDATE_ENDS:
        mandate_ended = members_services.member_mandate_end(member_id=invoice.member_id, reason=payment.return_reason)
    if invoice.recipient_email:
        with translation.override(invoice.language):
            reason = str(RETURN_REASONS.get(payment.return_reason, RETURN_REASONS["MS03"]))
        email_send(
            to=invoice.recipient_email,
            template="fees/debit_returned",
            context={"invoice": invoice, "payment": payment, "reason": reason, "mandate_ended": mandate_ended},
            language=invoice.language,
        )
    return payment


def statement_import(*, data: bytes, filename: str = "", by=None) -> ImportReport:
    """Import a CAMT statement once: book what is certain, propose what is likely, keep the rest."""
    try:
        parsed = statement_parse(data)
    except StatementError as exc:
        raise ValidationError(str(exc)) from exc
    try:
        return _statement_import(parsed, data=data, filename=filename, by=by)
    except IntegrityError as exc:  # the same file, uploaded twice at the same moment: one import wins
        raise ValidationError(_("This statement is being imported at this moment; nothing was booked twice.")) from exc


def _statement_import(parsed, *, data: bytes, filename: str, by) -> ImportReport:
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        earlier = (
            BankStatement.objects.filter(sha256=digest).first()
            or BankStatement.objects.filter(
                kind=parsed.kind, statement_id=parsed.statement_id, account_iban=parsed.account_iban
            ).first()
        )
        if earlier is not None:
            raise ValidationError(
                _("This statement was imported on %(date)s already; nothing was booked twice.")
                % {"date": formats.date_format(timezone.localtime(earlier.created_at), "SHORT_DATETIME_FORMAT")}
            )
        statement = BankStatement.objects.create(
            kind=parsed.kind, statement_id=parsed.statement_id, account_iban=parsed.account_iban, sha256=digest,
            filename=filename[:200], entries=len(parsed.lines), uploaded_by=by,
        )  # fmt: skip
        report = ImportReport(statement=statement)
        invoices = _Invoices(parsed.lines)
        credits: list[Payment] = []
        references = sorted({line.bank_reference for line in parsed.lines})
        known: dict[str, set[str]] = defaultdict(set)  # bank reference -> kinds of payment booked under it
        for start in range(0, len(references), 500):
            chunk = references[start : start + 500]
            for reference, kind in Payment.objects.filter(bank_reference__in=chunk).values_list(
                "bank_reference", "kind"
            ):
                known[reference].add(kind)
        for line in parsed.lines:
            if line.reversal:
                report.ignored += 1
                continue
            if not line.credit and not (line.return_reason or line.end_to_end_id.startswith("SWS-")):
                report.ignored += 1  # the association's own payments
                continue
            kinds = known.get(line.bank_reference, set())
            if kinds and (line.credit or Payment.Kind.RETURN in kinds):
                report.skipped += 1
                continue
            if line.credit:
                payment = _book_credit(line, statement, by, invoices)
                credits.append(payment)
                known[line.bank_reference].add(payment.kind)
                {
                    Payment.State.BOOKED: report.booked,
                    Payment.State.PROPOSED: report.proposed,
                    Payment.State.UNASSIGNED: report.unassigned,
                }[payment.state].append(payment)
            else:
                payment = _book_return(line, statement, by, invoices)
                known[line.bank_reference].add(payment.kind)
                (report.returned if payment.invoice_id else report.unassigned).append(payment)
        Payment.objects.bulk_create(credits, batch_size=500)
        invoices.save()
        _audit([*credits, *report.returned, *(p for p in report.unassigned if p.kind == Payment.Kind.RETURN)])
        statement.booked = len(report.booked) + len(report.returned)
        statement.proposed = len(report.proposed)
        statement.unmatched = len(report.unassigned)
        statement.save(update_fields=["booked", "proposed", "unmatched"])
    return report


def _audit(payments: list[Payment]) -> None:
    """Every booking in the audit trail: what, on which invoice, how much, in which state."""
    audit.audit_record_many(
        targets=payments,
        action=audit.Action.CREATE,
        event=audit.BOOKING,
        details=lambda p: {
            "kind": p.kind, "state": p.state, "amount": str(p.amount), "invoice": p.invoice.number if p.invoice else "",
            "return_reason": p.return_reason,
        },
    )  # fmt: skip


def payment_confirm(*, payment: Payment, by=None) -> Payment:
    """Book a proposed payment on its invoice (the treasurer checked it)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state != Payment.State.PROPOSED or payment.invoice_id is None:
            raise ValidationError(_("Only a proposed payment with an invoice can be confirmed."))
        invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
        if invoice.status != Invoice.Status.OPEN:
            raise ValidationError(
                _("Invoice %(number)s is not open any more; book the money another way.") % {"number": invoice.number}
            )
        payment.state = Payment.State.BOOKED
        payment.save(update_fields=["state"])
        _audit([payment])
        paid = invoice.payments.filter(state=Payment.State.BOOKED).aggregate(total=Sum("amount"))["total"]
        if paid >= invoice.amount:
            _mark_paid(invoice, on=payment.booked_on)
    return payment


def payment_reject(*, payment: Payment, by=None) -> Payment:
    """Mark a proposed or unassigned statement line as no invoice payment (a donation, a refund …)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state not in (Payment.State.PROPOSED, Payment.State.UNASSIGNED):
            raise ValidationError(_("A booked payment cannot be rejected; book a correction instead."))
        payment.state, payment.invoice = Payment.State.REJECTED, None
        payment.save(update_fields=["state", "invoice"])
        _audit([payment])
    return payment


def payment_book_manual(*, invoice: Invoice, amount: Decimal, booked_on: datetime.date, note: str, by=None) -> Payment:
    """Book a payment the treasurer received another way (cash, a transfer to another account)."""
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Please enter the amount received.")})
    if booked_on > timezone.localdate():
        raise ValidationError({"booked_on": _("A payment cannot be booked in the future.")})
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.status != Invoice.Status.OPEN or invoice.kind != Invoice.Kind.INVOICE:
            raise ValidationError(_("Invoice %(number)s is not open.") % {"number": invoice.number})
        payment = Payment.objects.create(
            kind=Payment.Kind.MANUAL, invoice=invoice, amount=amount.quantize(Decimal("0.01")), booked_on=booked_on,
            note=(note or "").strip()[:300], created_by=by,
        )  # fmt: skip
        _audit([payment])
        if payment.amount >= invoice.amount:
            _mark_paid(invoice, on=booked_on)
    return payment
