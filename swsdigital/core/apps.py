from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "swsdigital.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from .forms import form_started_token
        from .pagecache import page_cache_fresh_field

        page_cache_fresh_field("form_started", lambda request: form_started_token())
