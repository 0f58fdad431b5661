from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("Press and news")

    def ready(self):
        from .dashboard import register as dashboard_panels

        dashboard_panels()  # the admin start page's panels of this app
        from swsdigital.core.pagecache import page_cache_boundary, page_cache_watch
        from swsdigital.privacy.audit import audit_register
        from swsdigital.privacy.registry import register

        from . import selectors
        from .privacy import NewsProvider

        register(NewsProvider())
        audit_register(self.get_model("PressContact"))  # staff changes, in the audit trail

        page_cache_watch(*self.get_models(), sections="press")
        page_cache_boundary(selectors.news_next_change, sections="press")
