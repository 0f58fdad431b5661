from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "swsdigital.pages"
    label = "pages"
    verbose_name = _("Site content")

    def ready(self):
        from swsdigital.core.pagecache import page_cache_watch

        # The site profile fills every page's header and footer, the footer links the legal pages: all pages.
        page_cache_watch(*self.get_models(), sections="global")

        from swsdigital.privacy.registry import not_personal

        not_personal({"pages.SiteProfile": "the association's own name and public contact details (Impressum)"})
