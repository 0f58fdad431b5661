from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from swsdigital.core.admin_paging import LargeTableAdminMixin
from swsdigital.core.changelist import SafeChangeListMixin

from . import audit_admin, services  # noqa: F401 - audit_admin: the audit trail's admin (it replaces auditlog's)
from .forms import PersonForm
from .labels import consent_key_label, source_filter, source_label
from .models import Consent, ConsentText, ErasureRecord


@admin.register(ConsentText)
class ConsentTextAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("key_label", "version", "created_at")
    list_filter = ("key",)

    @admin.display(description=_("consent"), ordering="key")
    def key_label(self, obj: ConsentText) -> str:
        return consent_key_label(obj.key)


@admin.register(Consent)
class ConsentAdmin(LargeTableAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("email", "text", "source_name", "given_at", "confirmed_at", "withdrawn_at", "withdrawn_reason")
    list_filter = ("text__key", source_filter(), "withdrawn_reason", "given_at")
    search_fields = ("email", "subject_ref")
    list_select_related = ("text",)
    raw_id_fields = ("user",)
    date_hierarchy = "given_at"

    @admin.display(description=_("source"), ordering="source")
    def source_name(self, obj: Consent) -> str:
        return source_label(obj.source)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # proof of consent is never edited


@admin.register(ErasureRecord)
class ErasureRecordAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """Read-only for everyone: an erasure record is proof and is never added, changed or deleted by hand.

    The page "Erase or export a person" (``erase/``) previews what is held about an address, erases it with
    one button (``privacy.erase_person``) or sends the person their export (``privacy.export_person``).
    """

    list_display = ("created_at", "by_label", "via", "summary")
    list_filter = ("via", "created_at")
    readonly_fields = ("created_at", "by", "by_label", "via", "holdings")
    date_hierarchy = "created_at"
    change_list_template = "admin/privacy/erasurerecord/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("records"))
    def summary(self, obj: ErasureRecord) -> str:
        return ", ".join(f"{h['kind']}: {h['count']} ({h['action']})" for h in obj.holdings) or "–"

    def get_urls(self):
        return [
            path("erase/", self.admin_site.admin_view(self.person_view), name="privacy_erasurerecord_person"),
            *super().get_urls(),
        ]

    def person_view(self, request):
        """Preview what is held about an address; erase it or send the person their export."""
        can_erase = request.user.has_perm("privacy.erase_person")
        can_export = request.user.has_perm("privacy.export_person")
        if not (can_erase or can_export):
            raise PermissionDenied
        form = PersonForm(request.POST if request.method == "POST" else None)
        preview = None
        if form.is_valid():
            email = form.cleaned_data["email"]
            action = request.POST.get("action", "preview")
            if action == "erase":
                if not can_erase:
                    raise PermissionDenied
                record = services.person_erase(email=email, by=request.user)
                messages.success(request, _("The person's data was erased. The erasure record holds no personal data."))
                return redirect(reverse("admin:privacy_erasurerecord_change", args=[record.pk]))
            if action == "export":
                if not can_export:
                    raise PermissionDenied
                services.person_export_send(email=email)
                messages.success(request, _("The export is being sent to that address. It is not shown here."))
                return redirect(reverse("admin:privacy_erasurerecord_person"))
            preview = services.person_preview(email=email)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Erase or export a person's data"),
            "opts": self.model._meta,
            "form": form,
            "preview": preview,
            "can_erase": can_erase,
            "can_export": can_export,
        }
        return TemplateResponse(request, "admin/privacy/erasurerecord/person.html", context)
