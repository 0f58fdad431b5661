"""allauth adapter: account emails leave through the portal's one outbox."""

from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

from swsdigital.mail.services import email_queue, email_send


def _on_site_url(url: str) -> str:
    """Return an absolute link on SITE_URL (the public address), whatever host the request came in on."""
    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return url
    return settings.SITE_URL + urlunsplit(("", "", parts.path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's mail with our templates (or allauth's own) and queue it in the outbox."""
        name = template_prefix.rsplit("/", 1)[-1]
        ours = f"account/{name}"
        ctx = {
            **context,
            **{k: _on_site_url(v) for k, v in context.items() if k.endswith("_url") and isinstance(v, str)},
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
