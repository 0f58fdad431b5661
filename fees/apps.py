from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "fees"
    verbose_name = _("Membership fees")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from members.area import Section, area_section_register
        from swsdigital.privacy.registry import register

        from .privacy import FeesProvider

        register(FeesProvider())
        area_section_register(Section("invoices", _("Invoices"), "fees:invoices", position=30))
        area_section_register(Section("bank", _("Direct debit"), "fees:bank_account", position=31))
