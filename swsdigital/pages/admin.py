from django.contrib import admin

from swsdigital.core.changelist import SafeChangeListMixin

from . import services
from .models import LegalPage, SiteProfile


@admin.register(SiteProfile)
class SiteProfileAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("name", "city", "email", "updated_at")

    def has_add_permission(self, request) -> bool:
        return not SiteProfile.objects.exists()

    def save_model(self, request, obj, form, change):
        services.site_profile_save(profile=obj)


@admin.register(LegalPage)
class LegalPageAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("kind", "title_de", "version", "updated_at")
