from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from .dashboard import register as dashboard_panels

        dashboard_panels()  # the admin start page's panels of this app
        from swsdigital.core.pagecache import page_cache_watch
        from swsdigital.privacy.audit import audit_register
        from swsdigital.privacy.registry import register

        from .privacy import NewsletterProvider
        from .retention import register_rules

        register(NewsletterProvider())
        from swsdigital.mail.inbound import target_handler_register
        from swsdigital.mail.returnpath import DELIVERY

        from .bounces import DeliveryHandler

        target_handler_register(DELIVERY, DeliveryHandler())  # bounces and complaints of newsletter deliveries
        register_rules()
        # Staff changes of subscribers and applicants' wishes; never deliveries (one per recipient and mailing).
        audit_register(self.get_model("Subscriber"), plain=("language", "status"))
        audit_register(self.get_model("MembershipOptin"), plain=("outcome",))

        # The public archive shows mailings; subscribers and deliveries are not public.
        page_cache_watch(self.get_model("Mailing"), self.get_model("Topic"), sections="newsletter")
