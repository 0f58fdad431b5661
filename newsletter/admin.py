"""Staff tools: compose, preview, test, schedule, send, pause and follow mailings; import and export the list."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from swsdigital.core.admin_paging import LargeTableAdminMixin
from swsdigital.core.admin_preview import LivePreviewAdminMixin
from swsdigital.core.admin_translation import TranslatedPairsAdminMixin, english_version_filter
from swsdigital.core.changelist import SafeChangeListMixin
from swsdigital.core.staff import action_confirmation, staff_action
from swsdigital.privacy.labels import source_filter, source_label

from . import selectors, services
from .forms import SCHEDULE_BUTTON, CsvUploadForm, MailingAdminForm
from .models import Delivery, Mailing, MembershipOptin, Subscriber, Topic
from .rendering import mailing_render

TEST_BUTTON = "_test"
CHECK_BUTTON = "_check"

DS = Delivery.Status


@admin.register(Topic)
class TopicAdmin(TranslatedPairsAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("name_de", "name_en", "slug", "position", "is_active")
    translated_pairs = ("name",)
    list_editable = ("position", "is_active")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Subscriber)
class SubscriberAdmin(LargeTableAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("email", "name", "language", "status", "source_name", "created_at", "confirmed_at")
    # "signed up" as a filter, not a date hierarchy: its links are a DISTINCT over 100,000 rows on each page.
    list_filter = ("status", "language", "topics", source_filter(), "created_at")
    search_fields = ("email", "name")
    filter_horizontal = ("topics",)
    readonly_fields = (
        "key", "consent", "created_at", "confirmation_sent_at", "confirmed_at", "unsubscribed_at", "bounced_at",
        "bounce_reason", "unsubscribe_reason",
    )  # fmt: skip
    actions = ("export_csv", "unsubscribe", "reactivate")
    change_list_template = "newsletter/admin/subscriber_changelist.html"

    @admin.display(description=_("source"), ordering="source")
    def source_name(self, obj: Subscriber) -> str:
        return source_label(obj.source)

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="newsletter_subscriber_import"),
            path("bounces/", self.admin_site.admin_view(self.bounces_view), name="newsletter_subscriber_bounces"),
        ]
        return extra + super().get_urls()

    @staff_action(description=_("Export the selected subscribers as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(services.subscribers_export_csv(queryset=queryset), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="newsletter-{timezone.localdate()}.csv"'
        return response

    @staff_action(description=_("Unsubscribe the selected addresses"), permissions=["change"])
    def unsubscribe(self, request, queryset):
        for subscriber in queryset:
            services.subscriber_unsubscribe(subscriber=subscriber)
        self.message_user(request, _("Unsubscribed."), messages.SUCCESS)

    @staff_action(description=_("Reactivate the selected bounced addresses"), permissions=["change"])
    def reactivate(self, request, queryset):
        count = sum(services.subscriber_reactivate(subscriber=s) for s in queryset)
        self.message_user(
            request,
            ngettext("%(count)d address reactivated.", "%(count)d addresses reactivated.", count) % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def _upload(self, request, *, title: str, help_text: str, handle):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            handle(form)
            return redirect("admin:newsletter_subscriber_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "help_text": help_text,
            "form": form,
        }
        return TemplateResponse(request, "newsletter/admin/upload.html", context)

    def import_view(self, request):
        def handle(form):
            report = services.subscribers_import_csv(
                data=form.cleaned_data["file"], source=form.cleaned_data["source"] or "CSV"
            )
            self.message_user(
                request,
                _("%(confirmed)d confirmed, %(invited)d invited to confirm, %(skipped)d already on the list.")
                % {"confirmed": report.confirmed, "invited": report.invited, "skipped": report.skipped},
                messages.SUCCESS,
            )
            for error in report.errors[:20]:
                self.message_user(request, error, messages.WARNING)

        return self._upload(
            request,
            title=_("Import subscribers"),
            help_text=_(
                "Columns: email, name, language (de/en), topics (keys separated by |), consent_source, consent_date. "
                "Rows with consent source and date are imported as confirmed; the others receive an opt-in email."
            ),
            handle=handle,
        )

    def bounces_view(self, request):
        def handle(form):
            count = services.bounces_import_csv(data=form.cleaned_data["file"])
            self.message_user(
                request,
                ngettext("%(n)d address marked as bounced.", "%(n)d addresses marked as bounced.", count)
                % {"n": count},
            )

        return self._upload(
            request,
            title=_("Import bounces"),
            help_text=_("Columns: email, and optionally reason. Listed addresses receive no more mailings."),
            handle=handle,
        )


@admin.register(MembershipOptin)
class MembershipOptinAdmin(LargeTableAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("email", "outcome", "application_confirmed_at", "created_at")
    list_filter = ("outcome",)
    search_fields = ("email",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Mailing)
class MailingAdmin(LivePreviewAdminMixin, LargeTableAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("subject", "status", "scheduled_at", "progress", "started_at", "finished_at", "preview_link")
    list_filter = ("status", "members_only", "audience_language", english_version_filter("body"))
    search_fields = ("subject", "body")
    filter_horizontal = ("topics",)
    readonly_fields = ("status", "started_at", "finished_at", "progress", "preview_link")
    actions = ("send_now", "schedule", "send_test", "pause", "resume", "cancel")
    fieldsets = (
        (None, {"fields": ("subject", "preheader", "body", "include_events", "include_news", "preview_link")}),
        (_("English version"), {"fields": ("subject_en", "preheader_en", "body_en"), "classes": ("collapse",)}),
        (_("Audience"), {"fields": ("topics", "audience_language", "members_only")}),
        (_("Sending"), {"fields": ("scheduled_at", "in_archive", "status", "progress", "started_at", "finished_at")}),
    )

    live_preview_inline_styles = True  # the email as mail programs show it
    form = MailingAdminForm

    # The form's own buttons (templates/admin/newsletter/mailing/submit_line.html): test to me, schedule.
    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        editable = obj is None or obj.status in (Mailing.Status.DRAFT, Mailing.Status.SCHEDULED)
        context["mailing_buttons"] = {
            "test": editable,
            "check": editable,
            "schedule": editable and self.has_send_mailing_permission(request),
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self._button_response(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        response = self._button_response(request, obj) or super().response_change(request, obj)
        obj.refresh_from_db(fields=["status", "checked_hash"])
        if obj.status == Mailing.Status.SCHEDULED and services.mailing_check_current(obj) is None:
            self.message_user(
                request,
                _("The content changed after the check: the scheduled mailing is not sent unless it is checked again."),
                messages.WARNING,
            )
        return response

    def _button_response(self, request, obj: Mailing):
        here = redirect(reverse("admin:newsletter_mailing_change", args=[obj.pk]))
        check_page = redirect(reverse("admin:newsletter_mailing_check", args=[obj.pk]))
        if CHECK_BUTTON in request.POST:
            services.mailing_check_run(mailing=obj)
            return check_page
        if TEST_BUTTON in request.POST:
            to = request.user.email or settings.STAFF_NOTIFICATION_EMAIL
            for language in ("de", "en"):
                services.mailing_test_send(mailing=obj, to=to, language=language)
            self.message_user(
                request, _("Saved. Test sent to %(to)s (German and English).") % {"to": to}, messages.SUCCESS
            )
            return here
        if SCHEDULE_BUTTON in request.POST:
            if not self.has_send_mailing_permission(request):
                raise PermissionDenied
            if services.mailing_check_current(obj) is None:  # checked now, so that scheduling is one click
                services.mailing_check_run(mailing=obj)
            try:
                services.mailing_schedule(mailing=obj, when=obj.scheduled_at)
            except services.MailingCheckRequired as refused:
                self.message_user(request, _("Saved, not scheduled: %(reason)s") % {"reason": refused.message},
                                  messages.ERROR)  # fmt: skip
                return check_page
            when = date_format(timezone.localtime(obj.scheduled_at), "DATETIME_FORMAT")
            self.message_user(request, _("Saved and scheduled for %(when)s.") % {"when": when}, messages.SUCCESS)
            return redirect(reverse("admin:newsletter_mailing_changelist"))
        return None

    def live_preview_render(self, request, obj, *, form, language):
        _subject, _text, html = mailing_render(obj, language, unsubscribe_url="#", preferences_url="#")
        return html

    def live_preview_text_language(self, obj, language):
        return "en" if language == "en" and obj.body_en.strip() else "de"  # as Mailing.content chooses

    def live_preview_notes(self, request, obj, *, language):
        subject, preheader, _body = obj.content(language)
        notes = [_("Subject: %(subject)s") % {"subject": subject}]
        if preheader:
            notes.append(_("Preview line: %(preheader)s") % {"preheader": preheader})
        return notes

    def get_queryset(self, request):
        # One counting subquery per mailing and state, each read from the (mailing, status) index: a join with
        # GROUP BY read all of a million delivery rows on every page, and once more for the list's count.
        deliveries = Delivery.objects.filter(mailing=OuterRef("pk")).order_by().values("mailing")

        def counted(*states):
            return Coalesce(Subquery(deliveries.filter(status__in=states).annotate(n=Count("pk")).values("n")), 0)

        return (
            super()
            .get_queryset(request)
            .annotate(
                n_open=counted(DS.QUEUED, DS.SENDING, DS.RETRY),
                n_sent=counted(DS.SENT),
                n_failed=counted(DS.FAILED),
            )
        )

    def has_send_mailing_permission(self, request) -> bool:
        return request.user.has_perm("newsletter.send_mailing")

    def has_change_permission(self, request, obj=None) -> bool:
        # Content is frozen once sending started; the actions still pause, resume or cancel.
        if obj is not None and obj.status not in (Mailing.Status.DRAFT, Mailing.Status.SCHEDULED):
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("queued / sent / failed"))
    def progress(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return f"{getattr(obj, 'n_open', 0)} / {getattr(obj, 'n_sent', 0)} / {getattr(obj, 'n_failed', 0)}"

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        if obj is None or obj.pk is None:
            return _("Save first to see the preview.")
        url = reverse("admin:newsletter_mailing_preview", args=[obj.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> · '
            '<a href="{}?lang=en" target="_blank" rel="noopener">{}</a>',
            url,
            _("German"),
            url,
            _("English"),
        )

    def get_urls(self):
        extra = [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="newsletter_mailing_preview"),
            path("<int:pk>/check/", self.admin_site.admin_view(self.check_view), name="newsletter_mailing_check"),
        ]
        return extra + super().get_urls()

    def preview_view(self, request, pk: int):
        mailing = get_object_or_404(Mailing, pk=pk)
        if not self.has_view_permission(request, mailing):
            raise PermissionDenied
        language = "en" if request.GET.get("lang") == "en" else "de"
        _subject, _text, html = mailing_render(mailing, language, unsubscribe_url="#", preferences_url="#")
        return HttpResponse(html)

    def check_view(self, request, pk: int):
        """The pre-send check: run it, read the report, send or schedule from here (with warnings: confirmed)."""
        mailing = get_object_or_404(Mailing, pk=pk)
        if not self.has_view_permission(request, mailing):
            raise PermissionDenied
        here = redirect(reverse("admin:newsletter_mailing_check", args=[pk]))
        editable = mailing.status in (Mailing.Status.DRAFT, Mailing.Status.SCHEDULED)
        if request.method == "POST":
            if not editable or not self.has_change_permission(request, mailing):
                raise PermissionDenied
            if "run" in request.POST:
                services.mailing_check_run(mailing=mailing)
                return here
            if not self.has_send_mailing_permission(request):
                raise PermissionDenied
            accept = request.POST.get("accept_warnings") == "yes"
            try:
                if "schedule" in request.POST and mailing.scheduled_at and mailing.scheduled_at > timezone.now():
                    services.mailing_schedule(mailing=mailing, when=mailing.scheduled_at, accept_warnings=accept)
                    when = date_format(timezone.localtime(mailing.scheduled_at), "DATETIME_FORMAT")
                    self.message_user(request, _("Scheduled for %(when)s.") % {"when": when}, messages.SUCCESS)
                elif "send" in request.POST:
                    services.mailing_send_checked(mailing=mailing, accept_warnings=accept)
                    self.message_user(request, _("The mailing is being sent."), messages.SUCCESS)
                else:
                    return here
            except services.MailingCheckRequired as refused:
                self.message_user(request, refused.message, messages.ERROR)
                return here
            return redirect(reverse("admin:newsletter_mailing_changelist"))
        report = services.mailing_check_current(mailing)
        groups = []
        if report is not None:
            labels = {"error": _("Errors"), "warning": _("Warnings"), "info": _("Notes")}
            groups = [
                {"severity": severity, "label": labels[severity], "findings": report.of(severity)}
                for severity in ("error", "warning", "info")
                if report.of(severity)
            ]
        future = bool(mailing.scheduled_at and mailing.scheduled_at > timezone.now())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Check before sending: %(subject)s") % {"subject": mailing.subject},
            "mailing": mailing,
            "report": report,
            "stale": report is None and bool(mailing.checked_hash),
            "groups": groups,
            "editable": editable and self.has_change_permission(request, mailing),
            "can_send": editable and self.has_send_mailing_permission(request) and report is not None
            and not report.has_errors,
            "can_schedule": future,
            "change_url": reverse("admin:newsletter_mailing_change", args=[pk]),
        }  # fmt: skip
        return TemplateResponse(request, "newsletter/admin/mailing_check.html", context)

    def _done(self, request, count: int, text: str):
        self.message_user(request, text % {"count": count}, messages.SUCCESS if count else messages.WARNING)

    @staff_action(description=_("Send now"), permissions=["send_mailing"])
    def send_now(self, request, queryset):
        if request.POST.get("post") != "yes":  # first ask, with the number of recipients
            return self._send_confirmation(request, queryset)
        count = 0
        accept = request.POST.get("accept_warnings") == "yes"
        for mailing in queryset:
            try:
                count += services.mailing_send_checked(mailing=mailing, accept_warnings=accept).status == "sending"
            except services.MailingCheckRequired as refused:
                self.message_user(request, refused.message, messages.ERROR)
        self._done(request, count, _("%(count)d mailing(s) are being sent."))

    def _send_confirmation(self, request, queryset):
        mailings = []
        for mailing in queryset.order_by("pk"):
            sendable = mailing.status in (Mailing.Status.DRAFT, Mailing.Status.SCHEDULED)
            counts = selectors.mailing_recipient_counts(mailing=mailing) if sendable else []
            report = services.mailing_check_current(mailing) if sendable else None
            if sendable and report is None:  # checked here, so that the answer is on this page
                report = services.mailing_check_run(mailing=mailing)
            mailings.append(
                {
                    "mailing": mailing,
                    "sendable": sendable,
                    "counts": counts,
                    "total": sum(row["count"] for row in counts),
                    # Without an English text, those who chose English receive the German one.
                    "english_get_german": not mailing.body_en.strip()
                    and any(row["language"] != "de" for row in counts),
                    "errors": report.of("error") if report else [],
                    "warnings": report.of("warning") if report else [],
                    "check_url": reverse("admin:newsletter_mailing_check", args=[mailing.pk]),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Send now?"),
            "mailings": mailings,
            "any_sendable": any(row["sendable"] and not row["errors"] for row in mailings),
            "any_warnings": any(row["sendable"] and row["warnings"] and not row["errors"] for row in mailings),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "changelist_url": request.get_full_path(),
        }
        return action_confirmation(request, "newsletter/admin/send_confirmation.html", context)

    @staff_action(description=_("Schedule for the time in “send at”"), permissions=["send_mailing"])
    def schedule(self, request, queryset):
        count = 0
        for mailing in queryset.filter(scheduled_at__isnull=False):
            try:
                count += services.mailing_schedule(mailing=mailing, when=mailing.scheduled_at).status == "scheduled"
            except services.MailingCheckRequired as refused:  # warnings are confirmed on the check page
                self.message_user(request, refused.message, messages.ERROR)
        self._done(request, count, _("%(count)d mailing(s) scheduled."))

    @staff_action(description=_("Send a test to my address"), permissions=["change"])
    def send_test(self, request, queryset):
        to = request.user.email or settings.STAFF_NOTIFICATION_EMAIL
        for mailing in queryset:
            for language in ("de", "en"):
                services.mailing_test_send(mailing=mailing, to=to, language=language)
        self.message_user(request, _("Test sent to %(to)s (German and English).") % {"to": to}, messages.SUCCESS)

    @staff_action(description=_("Pause sending"), permissions=["send_mailing"])
    def pause(self, request, queryset):
        count = sum(services.mailing_pause(mailing=m) for m in queryset)
        self._done(request, count, _("%(count)d mailing(s) paused."))

    @staff_action(description=_("Resume sending"), permissions=["send_mailing"])
    def resume(self, request, queryset):
        count = sum(services.mailing_resume(mailing=m) for m in queryset)
        self._done(request, count, _("%(count)d mailing(s) resumed."))

    @staff_action(description=_("Cancel sending"), permissions=["send_mailing"])
    def cancel(self, request, queryset):
        count = sum(services.mailing_cancel(mailing=m) for m in queryset)
        self._done(request, count, _("%(count)d mailing(s) cancelled."))
