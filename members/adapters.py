"""allauth adapter: account emails leave through the portal's one outbox."""

import hashlib
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.cache import cache
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

from swsdigital.core.clientip import client_ip
from swsdigital.mail.services import email_queue, email_send
from swsdigital.pages.selectors import site_profile_get

# The same account mail to the same address is sent at most once in this many seconds.
ACCOUNT_MAIL_REPEAT_SECONDS = 10


def _on_site_url(url: str) -> str:
    """Return an absolute link on SITE_URL (the public address), whatever host the request came in on."""
    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return url
    return settings.SITE_URL + urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def _current_site() -> SimpleNamespace:
    """Return the association as allauth's own mail templates expect `current_site` (not the request host)."""
    return SimpleNamespace(name=site_profile_get().name, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        # allauth's rate limits count the same address as the portal's own (trusted proxies only).
        return client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's mail with our templates (or allauth's own) and queue it in the outbox."""
        name = template_prefix.rsplit("/", 1)[-1]
        # A double click (two requests at the same moment) sends one mail, not two: the first one's link works.
        digest = hashlib.sha256(f"{name}:{email.strip().lower()}".encode()).hexdigest()[:32]
        if not cache.add(f"account-mail:{digest}", 1, timeout=ACCOUNT_MAIL_REPEAT_SECONDS):
            return
        ours = f"account/{name}"
        ctx = {
            **context,
            **{k: _on_site_url(v) for k, v in context.items() if k.endswith("_url") and isinstance(v, str)},
            "current_site": _current_site(),  # allauth passes the request host here (password reset)
            "email": email,
        }
        language = translation.get_language()
        try:
            get_template(f"emails/{ours}.txt")
        except TemplateDoesNotExist:
            subject = render_to_string(f"{template_prefix}_subject.txt", ctx)
            text = render_to_string(f"{template_prefix}_message.txt", ctx)
            email_queue(to=email, subject=" ".join(subject.split()), text=text, template=ours, language=language or "")
            return
        email_send(to=email, template=ours, context=ctx, language=language)
