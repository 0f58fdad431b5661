"""Reads of consent records."""

from .models import Consent


def consents_for_email(*, email: str):
    """Return every consent recorded for an address, newest first, with its text."""
    return Consent.objects.filter(email=email.strip().lower()).select_related("text")
