from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "swsdigital.pages"
    label = "pages"
    verbose_name = _("Site content")

    def ready(self):
        from swsdigital.core.pagecache import page_cache_watch

        page_cache_watch(*self.get_models())
