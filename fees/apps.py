from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "fees"
    verbose_name = _("Membership fees")

    def ready(self):
        from swsdigital.privacy.registry import register

        from .privacy import FeesProvider

        register(FeesProvider())
