from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from .dashboard import register as dashboard_panels

        dashboard_panels()  # the admin start page's panels of this app
        import uuid

        from swsdigital.core.pagecache import page_cache_fresh_field, page_cache_watch
        from swsdigital.privacy.registry import register

        from .privacy import MembersProvider
        from .retention import register_rules

        register(MembersProvider())
        register_rules()
        self._audit_register()

        # What the directory and the home page's figures show; accounts and applications are not public.
        page_cache_watch(
            *(self.get_model(name) for name in ("Member", "Contact", "MembershipType", "Topic")), sections="members"
        )
        # One token per filled-in form (a double submit creates one application), so never one per cached page.
        page_cache_fresh_field("submission_token", lambda request: uuid.uuid4().hex)

    def _audit_register(self) -> None:
        """Record staff changes of accounts, contacts, applications and members (bank data never)."""
        from allauth.account.models import EmailAddress

        from swsdigital.privacy.audit import audit_register

        organisation = ("legal_form", "sector", "employee_band", "region", "status", "directory_fields")
        audit_register(self.get_model("User"), plain=("language",), ignore=("last_login",))
        audit_register(EmailAddress)
        audit_register(self.get_model("Contact"))
        audit_register(
            self.get_model("MembershipApplication"), plain=(*organisation, "known", "language"), secret=("sepa_bic",)
        )
        audit_register(self.get_model("Member"), plain=organisation, secret=("sepa_bic",))
