"""The treasurer's fee tools: rates, individual fees, the dues run with its preview, invoices (read-only)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from swsdigital.core.admin_paging import LargeTableAdminMixin
from swsdigital.core.changelist import SafeChangeListMixin
from swsdigital.core.csvexport import csv_response
from swsdigital.core.money import money_format
from swsdigital.core.staff import action_confirmation, staff_action

from . import services
from .downloads import private_download
from .forms import CancelForm, DebitFileForm, DuesRunForm, ManualPaymentForm, StatementUploadForm
from .models import (
    BankStatement,
    DebitEntry,
    DebitFile,
    DuesRun,
    FeeRate,
    Invoice,
    InvoiceDocument,
    MemberFee,
    Payment,
)
from .services import bank, sepa


def _latest_run_year() -> int | None:
    return DuesRun.objects.order_by("-year").values_list("year", flat=True).first()


def _amount_localised(model):
    """A form whose amount is typed as a German treasurer writes it ("240,00")."""
    return forms.modelform_factory(model, exclude=(), localized_fields=("amount",))


@admin.register(FeeRate)
class FeeRateAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """A rate used by a dues run is history: it stays as it was; a change takes effect from a later year."""

    form = _amount_localised(FeeRate)
    list_display = ("membership_type", "valid_from_year", "amount_display")
    list_filter = ("membership_type", "valid_from_year")
    list_select_related = ("membership_type",)

    @admin.display(description=_("annual fee"), ordering="amount")
    def amount_display(self, obj: FeeRate) -> str:
        return money_format(obj.amount)

    def _used(self, obj: FeeRate | None) -> bool:
        if obj is None:
            return False  # the list and the add page: no query (the admin asks for every model on every page)
        latest = _latest_run_year()
        return latest is not None and obj.valid_from_year <= latest

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not self._used(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not self._used(obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        latest = _latest_run_year()

        class RateForm(form):
            def clean_valid_from_year(self):
                year = self.cleaned_data["valid_from_year"]
                if latest is not None and year <= latest:
                    raise ValidationError(
                        _("The fees for %(year)s have been invoiced: a new rate can take effect from %(next)s.")
                        % {"year": latest, "next": latest + 1}
                    )
                return year

        return RateForm


@admin.register(MemberFee)
class MemberFeeAdmin(SafeChangeListMixin, admin.ModelAdmin):
    form = _amount_localised(MemberFee)
    list_display = ("member", "amount_display", "valid_from_year", "valid_until_year", "reason")
    list_filter = ("valid_from_year",)
    search_fields = ("member__name", "=member__number", "reason")
    autocomplete_fields = ("member",)
    list_select_related = ("member",)

    @admin.display(description=_("annual fee"), ordering="amount")
    def amount_display(self, obj: MemberFee) -> str:
        return money_format(obj.amount)


@admin.register(DuesRun)
class DuesRunAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """The runs done so far; "Run the dues" previews a year and, confirmed, issues its invoices."""

    list_display = ("year", "invoice_date", "collection_date", "invoice_count", "total_display", "updated_at")
    readonly_fields = ("year", "invoice_date", "collection_date", "invoice_count", "total", "created_by", "created_at")
    change_list_template = "fees/admin/duesrun_changelist.html"

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, obj: DuesRun) -> str:
        return money_format(obj.total)

    def has_add_permission(self, request) -> bool:
        return False  # runs are made by the run page, never typed in

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path("run/", self.admin_site.admin_view(self.run_view), name="fees_duesrun_run"),
            *super().get_urls(),
        ]

    def run_view(self, request):
        """Preview a fee year's invoices; the confirmation issues them (idempotently)."""
        if not request.user.has_perm("fees.run_dues"):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = DuesRunForm(data, initial=DuesRunForm.initial_values())
        preview = None
        if form.is_valid():
            values = form.cleaned_data
            if request.POST.get("confirm") == "yes":
                result = services.dues_run(**values, by=request.user)
                if result.created:
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d invoice issued for %(year)s (%(total)s).",
                            "%(count)d invoices issued for %(year)s (%(total)s).",
                            result.created,
                        )
                        % {"count": result.created, "year": values["year"], "total": money_format(result.total)},
                        messages.SUCCESS,
                    )
                else:
                    self.message_user(
                        request,
                        _("Nothing to do: every member who owes the fee for %(year)s has their invoice already.")
                        % {"year": values["year"]},
                        messages.INFO,
                    )
                return redirect(reverse("admin:fees_invoice_changelist") + f"?year={values['year']}")
            preview = services.dues_preview(**values)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Run the dues"),
            "opts": self.model._meta,
            "form": form,
            "preview": preview,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "fees/admin/dues_run.html", context)


class OverdueFilter(admin.SimpleListFilter):
    """Open invoices by how long they are overdue (the open items list)."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [
            ("all", _("all overdue")),
            ("not_due", _("not yet due")),
            ("1-30", _("1–30 days")),
            ("31-60", _("31–60 days")),
            ("61", _("more than 60 days")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        days = datetime.timedelta
        open_ = queryset.filter(status=Invoice.Status.OPEN, kind=Invoice.Kind.INVOICE)
        match self.value():
            case "all":
                return open_.filter(due_date__lt=today)
            case "not_due":
                return open_.filter(due_date__gte=today)
            case "1-30":
                return open_.filter(due_date__lt=today, due_date__gte=today - days(days=30))
            case "31-60":
                return open_.filter(due_date__lt=today - days(days=30), due_date__gte=today - days(days=60))
            case "61":
                return open_.filter(due_date__lt=today - days(days=60))
        return queryset


@admin.register(Invoice)
class InvoiceAdmin(LargeTableAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    """Issued invoices, read-only: a mistake is corrected by a cancellation invoice (action) and a new one."""

    list_display = (
        "number", "recipient_name", "year", "amount_display", "method", "status", "kind", "invoice_date", "due_date",
    )  # fmt: skip
    list_filter = ("year", "status", OverdueFilter, "method", "kind", "membership_type_name", "is_public_body")
    search_fields = ("=number", "recipient_name", "=member__number")
    list_select_related = ("member",)
    date_hierarchy = "invoice_date"
    actions = ("cancel", "book_manual", "export_csv")
    show_full_result_count = False
    change_list_template = "fees/admin/invoice_changelist.html"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl") if hasattr(response, "context_data") else None
        if changelist is not None:
            sums = changelist.queryset.aggregate(
                total=Sum("amount"),
                open=Sum("amount", filter=Q(status=Invoice.Status.OPEN, kind=Invoice.Kind.INVOICE)),
            )
            response.context_data["sums"] = {k: money_format(v or 0) for k, v in sums.items()}
        return response

    @staff_action(description=_("Export the selected invoices as CSV (for the tax adviser)"), permissions=["view"])
    def export_csv(self, request, queryset):
        header = [
            _("Invoice number"), _("Invoice date"), _("Fee year"), _("Membership number"), _("Recipient"),
            _("Kind"), _("Amount"), _("Payment method"), _("Status"), _("Due"), _("Paid on"), _("Cancels"),
        ]  # fmt: skip
        rows = (
            [
                i.number, i.invoice_date.isoformat(), i.year, i.member.number, i.recipient_name, i.get_kind_display(),
                f"{i.amount:.2f}".replace(".", ","), i.get_method_display(), i.get_status_display(),
                i.due_date.isoformat(), i.paid_on.isoformat() if i.paid_on else "",
                i.cancels.number if i.cancels else "",
            ]
            for i in queryset.select_related("member", "cancels").order_by("year", "sequence")
        )  # fmt: skip
        audit = {"target": Invoice, "kind": "invoices"}
        return csv_response(f"rechnungen-{timezone.localdate().isoformat()}.csv", header, rows, audit=audit)

    def get_readonly_fields(self, request, obj=None):
        return [*(f.name for f in self.model._meta.fields if f.name != "dues_key"), "pdf_link"]

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: Invoice) -> str:
        if not InvoiceDocument.objects.filter(invoice=obj).exists():
            return str(_("being prepared"))
        url = reverse("admin:fees_invoice_pdf", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download %(name)s") % {"name": f"{obj.number}.pdf"})

    def get_urls(self):
        return [
            path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="fees_invoice_pdf"),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk: int):
        """The treasurer's copy of an invoice's PDF."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        invoice = get_object_or_404(Invoice, pk=pk)  # a pk lookup: an out-of-range number finds nothing (SQLite)
        document = get_object_or_404(InvoiceDocument.objects.select_related("invoice"), invoice=invoice)
        return private_download(bytes(document.pdf), filename=document.filename, content_type="application/pdf")

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: Invoice) -> str:
        return money_format(obj.amount)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only: nothing is ever saved through the form

    @staff_action(description=_("Book a payment received another way (cash …)"), permissions=["change"])
    def book_manual(self, request, queryset):
        invoices = list(queryset[:2])
        if len(invoices) != 1:
            self.message_user(request, _("Please select exactly one invoice to book a payment on."), messages.WARNING)
            return None
        invoice = invoices[0]
        form = ManualPaymentForm(
            request.POST if request.POST.get("post") == "yes" else None,
            initial={"amount": invoice.amount, "booked_on": timezone.localdate()},
        )
        if form.is_valid():
            try:
                bank.payment_book_manual(invoice=invoice, **form.cleaned_data, by=request.user)
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(
                    request, _("Payment booked on invoice %(number)s.") % {"number": invoice.number}, messages.SUCCESS
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Book a payment on invoice %(number)s") % {"number": invoice.number},
            "opts": self.model._meta,
            "invoices": [invoice],
            "form": form,
            "action": "book_manual",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "changelist_url": request.get_full_path(),
            "media": self.media + form.media,
        }
        return action_confirmation(request, "fees/admin/invoice_action_form.html", context)

    @staff_action(description=_("Cancel the selected invoices (cancellation invoice)"), permissions=["change"])
    def cancel(self, request, queryset):
        form = CancelForm(request.POST if request.POST.get("post") == "yes" else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Cancel invoices"),
                "opts": self.model._meta,
                "invoices": queryset,
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "changelist_url": request.get_full_path(),
            }
            return action_confirmation(request, "fees/admin/invoice_cancel.html", context)
        done = 0
        for invoice in queryset:
            try:
                services.invoice_cancel(invoice=invoice, reason=form.cleaned_data["reason"], by=request.user)
                done += 1
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%d invoice cancelled.", "%d invoices cancelled.", done) % done,
                messages.SUCCESS,
            )
        return None


class DebitEntryInline(admin.TabularInline):
    model = DebitEntry
    fields = ("invoice", "mandate_reference", "sequence_type", "end_to_end_id", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DebitFile)
class DebitFileAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """The SEPA direct debit files handed to the bank; "Create a debit file" builds the next one."""

    list_display = ("collection_date", "year", "invoice_count", "total_display", "schema", "again", "created_at")
    list_filter = ("year", "schema")
    readonly_fields = (
        "year", "collection_date", "schema", "message_id", "invoice_count", "total", "again", "created_by",
        "created_at", "download",
    )  # fmt: skip
    exclude = ("xml",)
    inlines = (DebitEntryInline,)
    change_list_template = "fees/admin/debitfile_changelist.html"

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, obj: DebitFile) -> str:
        return money_format(obj.total)

    @admin.display(description=_("file"))
    def download(self, obj: DebitFile) -> str:
        url = reverse("admin:fees_debitfile_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download %(name)s") % {"name": obj.filename})

    def has_add_permission(self, request) -> bool:
        return False  # made by the create page

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path("create/", self.admin_site.admin_view(self.create_view), name="fees_debitfile_create"),
            path("<int:pk>/download/", self.admin_site.admin_view(self.download_view), name="fees_debitfile_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        debit_file = get_object_or_404(DebitFile, pk=pk)
        return private_download(bytes(debit_file.xml), filename=debit_file.filename, content_type="application/xml")

    def create_view(self, request):
        """Show which open debits a collection date's file would hold; create it on confirmation."""
        if not request.user.has_perm("fees.add_debitfile"):
            raise PermissionDenied
        latest = _latest_run_year()
        initial = {"year": latest}
        if latest:
            dates = sepa.debit_collection_dates(year=latest)
            initial["collection_date"] = dates[0] if dates else None
        form = DebitFileForm(request.POST if request.method == "POST" else None, initial=initial)
        plan = None
        if form.is_valid():
            values = form.cleaned_data
            if request.POST.get("confirm") == "yes":
                try:
                    debit_file = sepa.debit_file_create(**values, by=request.user)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    self.message_user(
                        request,
                        _("The file with %(count)d debits over %(total)s is ready; hand it to the bank.")
                        % {"count": debit_file.invoice_count, "total": money_format(debit_file.total)},
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:fees_debitfile_change", args=[debit_file.pk]))
            plan = sepa.debit_plan(
                year=values["year"], collection_date=values["collection_date"], again=values["again"]
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Create a direct debit file"),
            "opts": self.model._meta,
            "form": form,
            "plan": plan,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "fees/admin/debitfile_create.html", context)


@admin.register(BankStatement)
class BankStatementAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """Imported statements; "Import a bank statement" reads the next CAMT file."""

    list_display = ("created_at", "kind", "statement_id", "entries", "booked", "proposed", "unmatched")
    list_filter = ("kind",)
    readonly_fields = (
        "kind", "statement_id", "account_iban", "sha256", "filename", "entries", "booked", "proposed", "unmatched",
        "uploaded_by", "created_at",
    )  # fmt: skip
    change_list_template = "fees/admin/bankstatement_changelist.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="fees_bankstatement_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a CAMT file; book, propose or keep each line and say what happened."""
        if not request.user.has_perm("fees.add_bankstatement"):
            raise PermissionDenied
        form = StatementUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = request.FILES["file"]
            try:
                report = bank.statement_import(data=form.cleaned_data["file"], filename=upload.name, by=request.user)
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                self.message_user(
                    request,
                    _(
                        "Statement imported: %(booked)d booked, %(returned)d returned debits, %(proposed)d proposed "
                        "for you to confirm, %(unassigned)d not assigned, %(skipped)d already booked before."
                    )
                    % {
                        "booked": len(report.booked),
                        "returned": len(report.returned),
                        "proposed": len(report.proposed),
                        "unassigned": len(report.unassigned),
                        "skipped": report.skipped,
                    },
                    messages.SUCCESS,
                )
                return redirect(
                    reverse("admin:fees_payment_changelist") + f"?statement__id__exact={report.statement.pk}"
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a bank statement"),
            "opts": self.model._meta,
            "form": form,
            "help_text": _(
                "Download the statement from the online banking as CAMT.053 (or the debit notification as CAMT.054). "
                "Credits naming an invoice are booked; likely matches are proposed for you to confirm; returned "
                "debits reopen their invoice and the member is told."
            ),
        }
        return TemplateResponse(request, "fees/admin/statement_upload.html", context)


class ReturnReasonFilter(admin.SimpleListFilter):
    """Returned debits by the bank's reason, in words (``AM04`` is "the account did not have sufficient funds")."""

    title = _("return reason")
    parameter_name = "return_reason"

    def lookups(self, request, model_admin):
        codes = Payment.objects.exclude(return_reason="").order_by().values_list("return_reason", flat=True).distinct()
        return [(code, f"{code} – {bank.RETURN_REASONS.get(code, code)}") for code in sorted(set(codes))]

    def queryset(self, request, queryset):
        return queryset.filter(return_reason=self.value()) if self.value() else queryset


@admin.register(Payment)
class PaymentAdmin(LargeTableAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    """Every booking: read-only; proposed lines are confirmed or rejected by action."""

    list_display = (
        "booked_on", "kind", "state", "amount_display", "invoice", "counterparty", "return_reason", "remittance",
    )  # fmt: skip
    list_filter = ("state", "kind", ReturnReasonFilter, "statement")
    search_fields = ("=invoice__number", "counterparty", "remittance", "end_to_end_id")
    list_select_related = ("invoice",)
    date_hierarchy = "booked_on"
    actions = ("confirm", "reject")
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: Payment) -> str:
        return money_format(obj.amount)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        pass  # read-only; the actions book

    def _each(self, request, queryset, service, done_text):
        done = 0
        for payment in queryset:
            try:
                service(payment=payment, by=request.user)
                done += 1
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
        if done:
            self.message_user(request, done_text % {"count": done}, messages.SUCCESS)

    @staff_action(description=_("Confirm: book on the proposed invoice"), permissions=["change"])
    def confirm(self, request, queryset):
        self._each(request, queryset, bank.payment_confirm, _("%(count)d payments booked."))

    @staff_action(description=_("Not an invoice payment (donation, refund …)"), permissions=["change"])
    def reject(self, request, queryset):
        self._each(request, queryset, bank.payment_reject, _("%(count)d lines set aside."))
