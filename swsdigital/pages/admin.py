from django.contrib import admin

from swsdigital.core.admin_preview import LivePreviewAdminMixin
from swsdigital.core.admin_translation import TranslatedPairsAdminMixin, english_version_filter
from swsdigital.core.changelist import SafeChangeListMixin

from . import services
from .models import LegalPage, SiteProfile
from .views import legal_page_context


@admin.register(SiteProfile)
class SiteProfileAdmin(TranslatedPairsAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("name", "city", "email", "updated_at")
    translated_pairs = ("claim", "intro", "tax_note", "fee_vat_note")

    def has_add_permission(self, request) -> bool:
        # One profile only; and, like every add, only with the permission (this check once skipped it).
        return super().has_add_permission(request) and not SiteProfile.objects.exists()

    def get_readonly_fields(self, request, obj=None):
        # Invoices tell members where to pay: only the treasurer changes the association's bank details.
        if request.user.has_perm("pages.change_bank_details"):
            return ()
        return SiteProfile.BANK_FIELDS

    def save_model(self, request, obj, form, change):
        services.site_profile_save(profile=obj)


@admin.register(LegalPage)
class LegalPageAdmin(TranslatedPairsAdminMixin, LivePreviewAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("kind", "title_de", "version", "updated_at")
    list_filter = (english_version_filter("body"),)
    translated_pairs = ("title", "body")
    live_preview_template = "pages/legal.html"

    def live_preview_context(self, request, obj, *, form, language):
        return legal_page_context(obj)  # the page picks body_de or body_en by the active language

    def live_preview_text_language(self, obj, language):
        return "en" if language == "en" and obj.body_en else "de"  # as LegalPage.body chooses
