"""Staff's view of every email: status, attempts, last error, and a resend action."""

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
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]
    fieldsets = (
        (None, {"fields": ("to", "from_email", "reply_to", "subject", "status", "attempts", "last_error")}),
        (_("Timing"), {"fields": ("created_at", "queued_at", "next_attempt_at", "locked_until", "sent_at")}),
        (_("Content"), {"fields": ("template", "language", "message_id", "headers", "body_text", "body_html")}),
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("mail.resend_outboxemail")

    @staff_action(description=_("Send the selected emails again"), permissions=["resend"])
    def resend(self, request, queryset):
        for email in queryset:
            services.email_resend(email=email)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count) % {"count": count},
            messages.SUCCESS,
        )
