from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "swsdigital.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from .audit import audit_register, audit_setup
        from .models import Consent
        from .providers import register_providers
        from .retention import register_privacy_rules

        # The apps register their own providers from their ready(); privacy only adds its own.
        register_providers()
        # Likewise the audit trail: each app registers its models with personal data (audit.py).
        audit_setup()
        audit_register(Consent, plain=("source", "subject_ref"))
        # And retention: each app registers the rules for its own data (retention.py); privacy adds its own.
        register_privacy_rules()
