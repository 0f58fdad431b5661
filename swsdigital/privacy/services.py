"""Recording, confirming and withdrawing consent; the one place other apps use for it."""

from collections.abc import Iterable
from datetime import datetime

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
    given_at: datetime | None = None,
) -> Consent:
    """Record that a person agreed to the current text of ``key`` (confirmed too if ``confirmed``).

    ``given_at`` keeps the time of a consent given earlier elsewhere (an imported list); it is then
    also the confirmation time. It may not lie in the future.
    """
    now = timezone.now().replace(microsecond=0)
    if given_at is not None:
        if timezone.is_naive(given_at):
            given_at = timezone.make_aware(given_at)
        if given_at > timezone.now():
            raise ValueError("A consent cannot be given in the future.")
        now = given_at.replace(microsecond=0)
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


def consents_delete_unconfirmed(
    *,
    key: str,
    older_than: datetime | None = None,
    subject_refs: Iterable[str] | None = None,
    subject_ref_prefix: str = "",
    source: str = "",
) -> int:
    """Delete never-confirmed consents to ``key`` (they prove nothing; retention); return how many.

    Narrow it by ``older_than`` (given before) and/or ``subject_refs``; one of the two is required,
    so a fresh double opt-in still waiting for its click is never deleted by accident.
    """
    if older_than is None and subject_refs is None:
        raise ValueError("Give older_than or subject_refs.")
    qs = Consent.objects.filter(text__key=key, confirmed_at__isnull=True)
    if older_than is not None:
        qs = qs.filter(given_at__lt=older_than)
    if subject_refs is not None:
        qs = qs.filter(subject_ref__in=list(subject_refs))
    if subject_ref_prefix:
        qs = qs.filter(subject_ref__startswith=subject_ref_prefix)
    if source:
        qs = qs.filter(source=source)
    deleted, _per_model = qs.delete()
    return deleted
