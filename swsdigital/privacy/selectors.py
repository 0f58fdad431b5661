"""Reads of consent records."""

from .models import Consent


def consents_for_email(*, email: str):
    """Return every consent recorded for an address, newest first, with its text."""
    return Consent.objects.filter(email=email.strip().lower()).select_related("text")


def consents_active_emails(*, keys, emails, exclude_subject_ref_prefix: str = "") -> set[str]:
    """Return those of ``emails`` (lower-case) with a confirmed, not withdrawn consent to one of ``keys``."""
    wanted = {email.strip().lower() for email in emails if email}
    if not wanted or not keys:
        return set()
    active = Consent.objects.filter(
        text__key__in=list(keys), email__in=wanted, confirmed_at__isnull=False, withdrawn_at__isnull=True
    )
    if exclude_subject_ref_prefix:
        active = active.exclude(subject_ref__startswith=exclude_subject_ref_prefix)
    return set(active.values_list("email", flat=True))
