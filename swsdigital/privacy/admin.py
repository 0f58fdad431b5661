from django.contrib import admin

from swsdigital.core.changelist import SafeChangeListMixin

from .models import Consent, ConsentText


@admin.register(ConsentText)
class ConsentTextAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("key", "version", "created_at")
    list_filter = ("key",)


@admin.register(Consent)
class ConsentAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("email", "text", "source", "given_at", "confirmed_at", "withdrawn_at")
    list_filter = ("text__key", "source", "given_at")
    search_fields = ("email", "subject_ref")
    list_select_related = ("text",)
    raw_id_fields = ("user",)
    date_hierarchy = "given_at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # proof of consent is never edited
