"""System checks of the mail settings: a broken DKIM key stops every start, not each message later."""

from email.utils import parseaddr

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from . import dkim

# Backends that DKIM-sign what they send (the newsletter's fast path signs its own bytes).
SIGNING_BACKENDS = ("swsdigital.mail.backends.SmtpEmailBackend", "swsdigital.mail.backends.EmlFileBackend")


@checks.register("mail")
def dkim_configured(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """DKIM is either off or completely set with a readable RSA key; the backend signs; From aligns with d=."""
    try:
        signer = dkim.signer_get()
    except ImproperlyConfigured as exc:
        return [
            checks.Error(
                str(exc),
                hint="See README, section 'Zustellbarkeit / Deliverability'; `manage.py dkim_keygen` makes a key.",
                id="mail.E001",
            )
        ]
    if signer is None:
        return []
    messages = []
    if settings.EMAIL_BACKEND not in SIGNING_BACKENDS:
        messages.append(
            checks.Warning(
                f"DKIM is configured, but EMAIL_BACKEND {settings.EMAIL_BACKEND!r} does not sign: "
                "outbox emails leave unsigned.",
                hint="Configure SMTP with EMAIL_URL (it selects swsdigital.mail.backends.SmtpEmailBackend).",
                id="mail.W001",
            )
        )
    domain = signer.domain.decode().lower()
    senders = {
        "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
        "NEWSLETTER_FROM_EMAIL": getattr(settings, "NEWSLETTER_FROM_EMAIL", "") or "",
    }
    for name, value in senders.items():
        sender_domain = parseaddr(value)[1].rpartition("@")[2].lower()
        if sender_domain and sender_domain != domain and not sender_domain.endswith("." + domain):
            # DMARC passes on DKIM only if d= is the From domain or a parent of it ("relaxed alignment").
            messages.append(
                checks.Warning(
                    f"{name} ({sender_domain}) is not DKIM_DOMAIN ({domain}) or a subdomain of it: "
                    "DMARC will not count the signature.",
                    hint="Sign with the sender's domain, or send from an address of the signing domain.",
                    id="mail.W002",
                )
            )
    return messages
