from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "swsdigital.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from .providers import register_providers

        # The apps register their own providers from their ready(); privacy only adds its own.
        register_providers()
