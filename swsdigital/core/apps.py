from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "swsdigital.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
        from .forms import form_started_token
        from .pagecache import page_cache_fresh_field

        page_cache_fresh_field("form_started", lambda request: form_started_token())
        post_migrate.connect(_roles_after_migrate, dispatch_uid="swsdigital.core.roles_sync")


def _roles_after_migrate(sender, app_config, using="default", verbosity=1, **kwargs):
    """Sync the staff roles once per migrate, after the last app's permissions were created.

    Not a data migration: Django creates permissions only after all migrations ran (post_migrate), so a
    migration on a fresh database would find none; this also picks up permissions added later.
    """
    from django.apps import apps

    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if app_config.label != last.label or using != "default":
        return
    from .roles import roles_sync

    report = roles_sync()
    if verbosity >= 1 and report.changed:
        print("Staff roles:", *report.lines(), sep="\n  ")
