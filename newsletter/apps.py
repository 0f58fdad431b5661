from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from swsdigital.core.pagecache import page_cache_watch
        from swsdigital.privacy.registry import register

        from .privacy import NewsletterProvider

        register(NewsletterProvider())

        # The public archive shows mailings; subscribers and deliveries are not public.
        page_cache_watch(self.get_model("Mailing"), self.get_model("Topic"))
