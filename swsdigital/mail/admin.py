"""Staff's view of every email: status, attempts, last error, and a resend action."""

from django.conf import settings
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from swsdigital.core.changelist import SafeChangeListMixin
from swsdigital.core.staff import staff_action

from . import services
from .models import OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("created_at", "to", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "template", "language", "created_at")
    search_fields = ("to", "subject", "message_id")
    date_hierarchy = "created_at"
    actions = ("resend",)
    readonly_fields = [*(f.name for f in OutboxEmail._meta.fields), "language_name"]
    fieldsets = (
        (None, {"fields": ("to", "from_email", "reply_to", "subject", "status", "attempts", "last_error")}),
        (_("Timing"), {"fields": ("created_at", "queued_at", "next_attempt_at", "locked_until", "sent_at")}),
        (_("Content"), {"fields": ("template", "language_name", "message_id", "headers", "body_text", "body_html")}),
    )

    def has_add_permission(self, request) -> bool:
        return False

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
