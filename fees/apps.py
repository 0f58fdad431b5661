from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "fees"
    verbose_name = _("Membership fees")

    def ready(self):
        from .dashboard import register as dashboard_panels

        dashboard_panels()  # the admin start page's panels of this app
        from django.utils.translation import gettext_lazy as _

        from members.area import Section, area_section_register
        from swsdigital.privacy.registry import register

        from .privacy import FeesProvider

        register(FeesProvider())
        from swsdigital.privacy.audit import audit_register

        # The treasurer's rules; bookings are written to the trail by the services themselves (in bulk).
        audit_register(self.get_model("FeeRate"), plain=("valid_from_year", "amount"))
        audit_register(self.get_model("MemberFee"), plain=("valid_from_year", "valid_until_year", "amount"))
        area_section_register(Section("invoices", _("Invoices"), "fees:invoices", position=30))
        area_section_register(Section("bank", _("Direct debit"), "fees:bank_account", position=31))
