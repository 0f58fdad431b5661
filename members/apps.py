from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        import uuid

        from swsdigital.core.pagecache import page_cache_fresh_field, page_cache_watch
        from swsdigital.privacy.registry import register

        from .privacy import MembersProvider

        register(MembersProvider())

        # What the directory and the home page's figures show; accounts and applications are not public.
        page_cache_watch(*(self.get_model(name) for name in ("Member", "Contact", "MembershipType", "Topic")))
        # One token per filled-in form (a double submit creates one application), so never one per cached page.
        page_cache_fresh_field("submission_token", lambda request: uuid.uuid4().hex)
