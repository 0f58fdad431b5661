"""Staff's view of every email: status, attempts, last error, and a resend action."""

from django.conf import settings
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from swsdigital.core.admin_paging import LargeTableAdminMixin
from swsdigital.core.changelist import SafeChangeListMixin
from swsdigital.core.staff import staff_action

from . import services
from .inbound import inbound_admin_url
from .models import InboundMessage, OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(LargeTableAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("created_at", "to", "subject", "status", "delivery", "attempts", "sent_at")
    list_filter = ("status", ("bounced_at", admin.EmptyFieldListFilter), "template", "language", "created_at")
    search_fields = ("to", "subject", "message_id")
    # No date hierarchy: its month and day links are a DISTINCT over every row (100,000 and more) on each
    # page; the "created" filter above picks the same periods without a query.
    actions = ("resend",)
    readonly_fields = [*(f.name for f in OutboxEmail._meta.fields), "language_name"]
    fieldsets = (
        (None, {"fields": ("to", "from_email", "reply_to", "subject", "status", "attempts", "last_error")}),
        (_("Bounce"), {"fields": ("bounced_at", "bounce_reason")}),
        (_("Timing"), {"fields": ("created_at", "queued_at", "next_attempt_at", "locked_until", "sent_at")}),
        (_("Content"), {"fields": ("template", "language_name", "message_id", "headers", "body_text", "body_html")}),
    )

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("delivery"), ordering="bounced_at")
    def delivery(self, obj: OutboxEmail) -> str:
        return _("not delivered") if obj.bounced_at else ""

    @admin.display(description=_("language"), ordering="language")
    def language_name(self, obj: OutboxEmail) -> str:
        return str(dict(settings.LANGUAGES).get(obj.language, obj.language))

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("mail.resend_outboxemail")

    @staff_action(description=_("Send the selected emails again"), permissions=["resend"])
    def resend(self, request, queryset):
        count = skipped = 0
        for email in queryset:
            # Past retention only the row is left: sending it again would send an empty email.
            if services.email_content_purged(email):
                skipped += 1
                continue
            services.email_resend(email=email)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count) % {"count": count},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email was not sent again: its content was removed after the retention period.",
                    "%(count)d emails were not sent again: their content was removed after the retention period.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(InboundMessage)
class InboundMessageAdmin(LargeTableAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    """What the bounce mailbox brought: kind, reason, whom it concerned, what it changed, the raw message."""

    list_display = ("received_at", "kind", "status_code", "address", "short_reason", "effect")
    list_filter = ("kind", "received_at", "target_kind")
    search_fields = ("address", "subject", "mailbox_key")
    date_hierarchy = "received_at"
    list_select_related = ("outbox_email",)
    fieldsets = (
        (None, {"fields": ("received_at", "kind", "status_code", "diagnostic", "address", "concerns", "effect")}),
        (_("Message"), {"fields": ("subject", "note", "mailbox_key", "raw_size", "raw_message")}),
    )
    readonly_fields = (
        "received_at", "kind", "status_code", "diagnostic", "address", "concerns", "effect", "subject", "note",
        "mailbox_key", "raw_size", "raw_message",
    )  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("reason"))
    def short_reason(self, obj: InboundMessage) -> str:
        return (obj.diagnostic or obj.note)[:120]

    @admin.display(description=_("concerns"))
    def concerns(self, obj: InboundMessage) -> str:
        if not obj.target_kind:
            return "—"
        label = f"{obj.get_target_kind_display()} #{obj.target_id}"
        url = inbound_admin_url(obj)
        return format_html('<a href="{}">{}</a>', url, label) if url else label

    @admin.display(description=_("raw message"))
    def raw_message(self, obj: InboundMessage) -> str:
        if obj.raw_purged_at:
            return _("Removed after the retention period.")
        # Escaped by format_html: a bounce quotes whatever the sender wrote, HTML and scripts included.
        return format_html(
            '<pre class="inbound-raw" style="white-space: pre-wrap; max-height: 40em; overflow: auto">{}</pre>', obj.raw
        )
