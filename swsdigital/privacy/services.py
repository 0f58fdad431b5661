"""Recording, confirming and withdrawing consent; the one place other apps use for it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from .models import Consent, ConsentText

# Wording of version 1 of each consent; staff add later versions in the admin.
DEFAULT_TEXTS = {
    "statutes": gettext_noop("I have read the statutes of the association and accept them."),
    "privacy": gettext_noop("I have read the privacy notice and agree to my data being processed as described."),
    "directory": gettext_noop("Our organisation may be listed in the public member directory with the fields chosen."),
    "newsletter": gettext_noop("I would like to receive the newsletter by email. I can unsubscribe at any time."),
    "event_registration": gettext_noop(
        "My details are processed to organise the event and deleted after it as the privacy notice describes."
    ),
}


def consent_text_current(*, key: str) -> ConsentText:
    """Return the newest version of a consent text, creating version 1 from the default wording."""
    text = ConsentText.objects.filter(key=key).order_by("-version").first()
    if text is None:
        wording = DEFAULT_TEXTS[key]
        with override("de"):
            text_de = _(wording)
        with override("en"):
            text_en = _(wording)
        text, _created = ConsentText.objects.get_or_create(
            key=key, version=1, defaults={"text_de": text_de, "text_en": text_en}
        )
    return text


@transaction.atomic
def consent_record(
    *,
    key: str,
    email: str,
    source: str,
    ip: str | None = None,
    user=None,
    subject_ref: str = "",
    confirmed: bool = False,
) -> Consent:
    """Record that a person agreed to the current text of ``key`` (confirmed now if ``confirmed``)."""
    now = timezone.now().replace(microsecond=0)
    return Consent.objects.create(
        text=consent_text_current(key=key),
        email=email.strip().lower(),
        user=user,
        source=source[:100],
        subject_ref=subject_ref,
        given_at=now,
        given_ip=ip or None,
        confirmed_at=now if confirmed else None,
        confirmed_ip=(ip or None) if confirmed else None,
    )


def consent_confirm(*, consent: Consent, ip: str | None = None) -> Consent:
    """Mark a consent as confirmed (the second step of a double opt-in)."""
    if consent.confirmed_at is None:
        consent.confirmed_at = timezone.now().replace(microsecond=0)
        consent.confirmed_ip = ip or None
        consent.save(update_fields=["confirmed_at", "confirmed_ip"])
    return consent


def consent_withdraw(*, key: str, email: str, subject_ref: str = "") -> int:
    """Withdraw every active consent of ``email`` to ``key``; return how many."""
    qs = Consent.objects.filter(text__key=key, email=email.strip().lower(), withdrawn_at__isnull=True)
    if subject_ref:
        qs = qs.filter(subject_ref=subject_ref)
    return qs.update(withdrawn_at=timezone.now().replace(microsecond=0))
