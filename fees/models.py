"""Membership fees: the rates per membership type and year, individual fees, dues runs and invoices.

An issued invoice is a document: its fields never change and it is never deleted (a mistake is
corrected by a cancellation invoice and a new one). Only its state — open, paid, cancelled — moves.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Member, MembershipType

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
NON_NEGATIVE = [MinValueValidator(Decimal("0.00"))]


class FeeRate(models.Model):
    """The annual fee of a membership type from a given year on (until a later rate takes over)."""

    membership_type = models.ForeignKey(
        MembershipType, on_delete=models.PROTECT, related_name="+", verbose_name=_("membership type")
    )
    valid_from_year = models.PositiveSmallIntegerField(_("valid from year"), validators=YEAR_VALIDATORS)
    amount = models.DecimalField(_("annual fee (EUR)"), max_digits=8, decimal_places=2, validators=NON_NEGATIVE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        ordering = ["membership_type__position", "membership_type__name_de", "-valid_from_year"]
        constraints = [
            models.UniqueConstraint(fields=["membership_type", "valid_from_year"], name="fees_rate_type_year_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.membership_type}: {self.amount} EUR ab {self.valid_from_year}"


class MemberFee(models.Model):
    """An individual fee for one member (reduced, or 0 for waived), for a span of years, with the reason."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    valid_from_year = models.PositiveSmallIntegerField(_("from year"), validators=YEAR_VALIDATORS)
    valid_until_year = models.PositiveSmallIntegerField(
        _("until year"), null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("Empty: until changed.")
    )
    amount = models.DecimalField(
        _("annual fee (EUR)"), max_digits=8, decimal_places=2, validators=NON_NEGATIVE, help_text=_("0 waives the fee.")
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("individual fee")
        verbose_name_plural = _("individual fees")
        ordering = ["member__name", "-valid_from_year"]

    def __str__(self) -> str:
        return f"{self.member}: {self.amount} EUR"

    def clean(self) -> None:
        if self.valid_until_year is not None and self.valid_until_year < self.valid_from_year:
            raise ValidationError({"valid_until_year": _("The last year cannot lie before the first.")})


class DuesRun(models.Model):
    """The yearly dues run: one per fee year; its row is locked while invoices are created."""

    year = models.PositiveSmallIntegerField(_("fee year"), unique=True, validators=YEAR_VALIDATORS)
    invoice_date = models.DateField(_("invoice date"))
    collection_date = models.DateField(_("collection date"))
    invoice_count = models.PositiveIntegerField(_("invoices"), default=0)
    total = models.DecimalField(_("total (EUR)"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last run"), auto_now=True)

    class Meta:
        verbose_name = _("dues run")
        verbose_name_plural = _("dues runs")
        ordering = ["-year"]
        permissions = [("run_dues", _("Can run the yearly dues"))]

    def __str__(self) -> str:
        return str(_("Dues %(year)s")) % {"year": self.year}


class InvoiceCounter(models.Model):
    """The one row per year locked while invoice numbers are issued, so they never repeat or skip."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice number counter")
        verbose_name_plural = _("invoice number counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class InvoiceQuerySet(models.QuerySet):
    def delete(self):
        raise ValidationError(_("Issued invoices are never deleted; cancel them instead."))


class Invoice(models.Model):
    """An issued invoice (or cancellation invoice): a document whose fields never change."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("invoice")
        CANCELLATION = "cancellation", _("cancellation invoice")

    class Method(models.TextChoices):
        DEBIT = "debit", _("direct debit")
        TRANSFER = "transfer", _("bank transfer")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled")

    # The state moves; everything else is the document as issued.
    STATE_FIELDS = frozenset({"status", "paid_on", "state_changed_at"})

    number = models.CharField(_("invoice number"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("fee year"))
    sequence = models.PositiveIntegerField(_("sequence number"))
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.INVOICE)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    run = models.ForeignKey(
        DuesRun, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("dues run")
    )
    # "<year>:<member id>" on the invoice a dues run issued: a second run never issues it again.
    dues_key = models.CharField(_("dues key"), max_length=30, unique=True, null=True, blank=True, editable=False)
    cancels = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cancelled_by",
        verbose_name=_("cancels invoice"),
    )
    recipient_name = models.CharField(_("recipient"), max_length=200)
    recipient_contact = models.CharField(_("for the attention of"), max_length=200, blank=True)
    recipient_street = models.CharField(_("street and number"), max_length=200, blank=True)
    recipient_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    recipient_city = models.CharField(_("city"), max_length=100, blank=True)
    recipient_email = models.EmailField(_("sent to"), blank=True)
    membership_type_name = models.CharField(_("membership type"), max_length=150)
    is_public_body = models.BooleanField(_("public body (e-invoice)"), default=False)
    description = models.CharField(_("item"), max_length=300)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=10, decimal_places=2)
    method = models.CharField(_("payment method"), max_length=10, choices=Method.choices)
    mandate_reference = models.CharField(_("mandate reference"), max_length=35, blank=True)
    mandate_signed_on = models.DateField(_("mandate date"), null=True, blank=True)
    invoice_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    collection_date = models.DateField(_("collection date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, default="de", choices=settings.LANGUAGES)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("state changed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="fees_invoice_year_sequence_uniq"),
        ]
        indexes = [
            models.Index(fields=["status", "year"], name="fees_invoice_status_year_idx"),
            models.Index(fields=["member", "year"], name="fees_invoice_member_year_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        # An issued document never changes: after the first save only its state fields may be written.
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.STATE_FIELDS:
                raise ValidationError(_("An issued invoice cannot be changed; cancel it and issue a new one."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Issued invoices are never deleted; cancel them instead."))

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and self.kind == self.Kind.INVOICE


class InvoiceDocument(models.Model):
    """The rendered PDF of an invoice, kept in the database (never served as a public file), and its mailing."""

    invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, related_name="document", verbose_name=_("invoice")
    )
    pdf = models.BinaryField(_("PDF"))
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    created_at = models.DateTimeField(_("rendered"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    email_id = models.PositiveBigIntegerField(_("outbox email"), null=True, blank=True)

    class Meta:
        verbose_name = _("invoice document")
        verbose_name_plural = _("invoice documents")

    def __str__(self) -> str:
        return f"{self.invoice.number}.pdf"

    @property
    def filename(self) -> str:
        return f"{self.invoice.number}.pdf"


class DebitFile(models.Model):
    """A SEPA direct debit file (pain.008) for one collection date, as handed to the bank."""

    class Schema(models.TextChoices):
        V02 = "pain.008.001.02", "pain.008.001.02"
        V08 = "pain.008.001.08", "pain.008.001.08"
        V09 = "pain.008.001.09", "pain.008.001.09"
        V10 = "pain.008.001.10", "pain.008.001.10"

    year = models.PositiveSmallIntegerField(_("fee year"))
    collection_date = models.DateField(_("collection date"))
    schema = models.CharField(_("format"), max_length=20, choices=Schema.choices, default=Schema.V02)
    message_id = models.CharField(_("message id"), max_length=35, unique=True)
    xml = models.BinaryField(_("XML"))
    invoice_count = models.PositiveIntegerField(_("debits"))
    total = models.DecimalField(_("total (EUR)"), max_digits=12, decimal_places=2)
    again = models.BooleanField(_("generated again"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created (submitted)"), auto_now_add=True)

    class Meta:
        verbose_name = _("direct debit file")
        verbose_name_plural = _("direct debit files")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.collection_date})"

    @property
    def filename(self) -> str:
        return f"lastschrift-{self.collection_date.isoformat()}-{self.pk}.xml"


class DebitEntry(models.Model):
    """One invoice's debit in a file: its sequence type and end-to-end id (how the bank names it back)."""

    class Sequence(models.TextChoices):
        FIRST = "FRST", _("first collection")
        RECURRING = "RCUR", _("recurring collection")

    file = models.ForeignKey(DebitFile, on_delete=models.PROTECT, related_name="entries", verbose_name=_("file"))
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="debits", verbose_name=_("invoice"))
    mandate_reference = models.CharField(_("mandate reference"), max_length=35, db_index=True)
    sequence_type = models.CharField(_("sequence type"), max_length=4, choices=Sequence.choices)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, db_index=True)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("direct debit")
        verbose_name_plural = _("direct debits")
        ordering = ["file", "pk"]

    def __str__(self) -> str:
        return self.end_to_end_id


class BankStatement(models.Model):
    """An uploaded bank statement (CAMT.053) or debit notification (CAMT.054); each file is imported once."""

    kind = models.CharField(_("kind"), max_length=10)
    statement_id = models.CharField(_("statement id"), max_length=100)
    account_iban = models.CharField(_("account"), max_length=34, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    entries = models.PositiveIntegerField(_("entries"), default=0)
    booked = models.PositiveIntegerField(_("booked"), default=0)
    proposed = models.PositiveIntegerField(_("proposed"), default=0)
    unmatched = models.PositiveIntegerField(_("unmatched"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "statement_id", "account_iban"], name="fees_statement_id_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.statement_id}"


class Payment(models.Model):
    """Money in (a transfer, a collected debit, cash) or back out (a returned debit) for an invoice.

    A statement line the portal could not assign with certainty is kept as "proposed" (with its best guess)
    or "unassigned" — never booked on a guess, never dropped.
    """

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("bank transfer")
        DEBIT = "debit", _("direct debit collected")
        RETURN = "return", _("returned direct debit")
        MANUAL = "manual", _("booked by hand")

    class State(models.TextChoices):
        BOOKED = "booked", _("booked")
        PROPOSED = "proposed", _("proposed, to be confirmed")
        UNASSIGNED = "unassigned", _("not assigned")
        REJECTED = "rejected", _("not an invoice payment")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.BOOKED)
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="payments", verbose_name=_("invoice")
    )
    statement = models.ForeignKey(
        BankStatement, null=True, blank=True, on_delete=models.PROTECT, related_name="payments",
        verbose_name=_("statement"),
    )  # fmt: skip
    amount = models.DecimalField(_("amount (EUR)"), max_digits=10, decimal_places=2)
    bank_fee = models.DecimalField(_("bank fee (EUR)"), max_digits=8, decimal_places=2, default=Decimal("0.00"))
    booked_on = models.DateField(_("booked on"))
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, blank=True)
    counterparty = models.CharField(_("from / to"), max_length=140, blank=True)
    remittance = models.CharField(_("remittance information"), max_length=500, blank=True)
    return_reason = models.CharField(_("return reason"), max_length=4, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-booked_on", "-pk"]
        constraints = [
            # The bank's own reference of a statement line: an overlapping statement books nothing twice.
            models.UniqueConstraint(
                fields=["bank_reference", "kind"], condition=~models.Q(bank_reference=""), name="fees_payment_ref_uniq"
            )
        ]
        indexes = [models.Index(fields=["state", "booked_on"], name="fees_payment_state_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.booked_on})"


class Reminder(models.Model):
    """A payment reminder sent for an open invoice: a friendly reminder, then the first and second dunning."""

    class Level(models.IntegerChoices):
        REMINDER = 1, _("payment reminder")
        FIRST = 2, _("first dunning letter")
        SECOND = 3, _("second dunning letter")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("invoice"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    email_id = models.PositiveBigIntegerField(_("outbox email"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["invoice", "level"], name="fees_reminder_invoice_level_uniq")]

    def __str__(self) -> str:
        return f"{self.invoice.number}: {self.get_level_display()}"
