"""Django's admin with the portal's site class (grouped navigation); listed in INSTALLED_APPS instead of it."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "swsdigital.core.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()
        from .admin_site import display_names_apply

        display_names_apply()
