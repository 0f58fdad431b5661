from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "swsdigital.mail"
    label = "mail"
    verbose_name = _("Email")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
        from .dashboard import register as dashboard_panels

        dashboard_panels()  # the admin start page's panels of this app
        from swsdigital.privacy.registry import register

        from .privacy import InboundProvider, OutboxProvider
        from .retention import register_rules

        register(OutboxProvider())
        register(InboundProvider())
        register_rules()
