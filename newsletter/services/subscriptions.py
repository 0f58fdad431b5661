"""Double opt-in subscription, confirmation, preferences, unsubscribe and clean-up."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from members.selectors import account_exists_for_email
from swsdigital.mail.services import email_send
from swsdigital.privacy.models import ErasureRecord
from swsdigital.privacy.retention import retention_cutoff
from swsdigital.privacy.services import (
    consent_confirm,
    consent_record,
    consent_withdraw,
    consents_delete_unconfirmed,
    person_erase,
)

from ..models import Delivery, Subscriber, Topic
from .tokens import InvalidToken, confirm_token, manage_token, subscriber_from_confirm_token

logger = logging.getLogger(__name__)

__all__ = [
    "ErasureNeedsLogin",
    "InvalidToken",
    "subscriber_bounce",
    "subscriber_confirm",
    "subscriber_data_erase",
    "subscriber_data_erase_check",
    "subscriber_preferences_update",
    "subscriber_subscribe",
    "subscriber_unsubscribe",
    "subscribers_unconfirmed_delete",
]

CONSENT_KEY = "newsletter"
# A second request for the same address within this time sends no second mail (no mail bombing).
RESEND_PAUSE = timedelta(minutes=10)


def _subject_ref(subscriber: Subscriber) -> str:
    return f"newsletter:{subscriber.pk}"


def _absolute(view: str, token: str, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(view, kwargs={"token": token})


def _confirmation_send(subscriber: Subscriber) -> None:
    email_send(
        to=subscriber.email,
        template="newsletter/confirm",
        language=subscriber.language,
        context={
            "confirm_url": _absolute("newsletter:confirm", confirm_token(subscriber), subscriber.language),
            "valid_days": settings.NEWSLETTER_CONFIRM_DAYS,
        },
    )
    subscriber.confirmation_sent_at = timezone.now()
    subscriber.save(update_fields=["confirmation_sent_at"])


@transaction.atomic
def subscriber_subscribe(
    *,
    email: str,
    language: str,
    source: str,
    name: str = "",
    topics: list[Topic] | tuple = (),
    ip: str | None = None,
) -> Subscriber:
    """Start a double opt-in for an address; the caller answers the same whatever state it was in."""
    email = email.strip().lower()
    now = timezone.now()
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is not None and subscriber.status == Subscriber.Status.CONFIRMED:
        # Anyone can type an address: change nothing, tell the owner where to change settings.
        if not subscriber.confirmation_sent_at or subscriber.confirmation_sent_at < now - RESEND_PAUSE:
            email_send(
                to=subscriber.email,
                template="newsletter/already_subscribed",
                language=subscriber.language,
                context={
                    "preferences_url": _absolute(
                        "newsletter:preferences", manage_token(subscriber.key), subscriber.language
                    )
                },
            )
            subscriber.confirmation_sent_at = now
            subscriber.save(update_fields=["confirmation_sent_at"])
        return subscriber
    if (
        subscriber is not None
        and subscriber.confirmation_sent_at
        and subscriber.confirmation_sent_at > now - RESEND_PAUSE
    ):
        return subscriber
    if subscriber is None:
        subscriber = Subscriber(email=email)
    subscriber.name = name.strip()[:150]
    subscriber.language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    subscriber.status = Subscriber.Status.PENDING
    subscriber.source = source[:100]
    subscriber.full_clean(exclude=["consent"], validate_unique=False)  # the unique index decides, below
    try:
        with transaction.atomic():
            subscriber.save()
    except IntegrityError:
        # A simultaneous request for the same address (a double click) created it a moment ago and sends
        # the confirmation; this one answers the same without a second mail.
        return Subscriber.objects.select_for_update().get(email=email)
    subscriber.topics.set(topics)
    subscriber.consent = consent_record(
        key=CONSENT_KEY, email=email, source=source, ip=ip, subject_ref=_subject_ref(subscriber)
    )
    subscriber.save(update_fields=["consent"])
    _confirmation_send(subscriber)
    return subscriber


@transaction.atomic
def subscriber_confirm(*, token: str, ip: str | None = None) -> Subscriber:
    """Confirm a subscription from the emailed link; raise InvalidToken if expired or tampered."""
    subscriber = subscriber_from_confirm_token(token)
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return subscriber
    if subscriber.status != Subscriber.Status.PENDING:
        raise InvalidToken()  # unsubscribed since: an old link must not re-subscribe
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.confirmed_at = timezone.now()
    subscriber.save(update_fields=["status", "confirmed_at"])
    if subscriber.consent_id:
        consent_confirm(consent=subscriber.consent, ip=ip)
    return subscriber


@transaction.atomic
def subscriber_preferences_update(*, subscriber: Subscriber, language: str, topics: list[Topic]) -> Subscriber:
    """Change a subscriber's language and topics."""
    subscriber.language = language
    subscriber.full_clean(exclude=["consent"])
    subscriber.save(update_fields=["language"])
    subscriber.topics.set(topics)
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    """Take an address off the list at once; mailings still in flight skip it."""
    updated = Subscriber.objects.filter(pk=subscriber.pk).exclude(status=Subscriber.Status.UNSUBSCRIBED)
    if updated.update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()):
        consent_withdraw(key=CONSENT_KEY, email=subscriber.email, subject_ref=_subject_ref(subscriber))
    Delivery.objects.filter(subscriber=subscriber, status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRY]).update(
        status=Delivery.Status.SKIPPED, last_error="unsubscribed"
    )
    subscriber.refresh_from_db()
    return subscriber


def subscriber_bounce(*, email: str, reason: str = "") -> bool:
    """Mark an address as bounced (permanent failure); return whether it was on the list."""
    return bool(
        Subscriber.objects.filter(email=email.strip().lower())
        .exclude(status=Subscriber.Status.BOUNCED)
        .update(status=Subscriber.Status.BOUNCED, bounced_at=timezone.now(), bounce_reason=reason[:300])
    )


@transaction.atomic
def subscribers_unconfirmed_delete(*, days: int | None = None, now=None) -> int:
    """Delete requests never confirmed within ``days`` (the retention period by default) and their consent."""
    now = now or timezone.now()
    cutoff = retention_cutoff("newsletter_unconfirmed", now=now) if days is None else now - timedelta(days=days)
    stale = Subscriber.objects.filter(status=Subscriber.Status.PENDING, created_at__lt=cutoff)
    refs = [f"newsletter:{pk}" for pk in stale.values_list("pk", flat=True)]
    # An unconfirmed request proves nothing and must not be kept (privacy notice, retention):
    # the stale requests' consents, and earlier requests of people who confirmed a later one.
    consents_delete_unconfirmed(key=CONSENT_KEY, subject_refs=refs)
    consents_delete_unconfirmed(key=CONSENT_KEY, subject_ref_prefix="newsletter:", older_than=cutoff)
    stale.delete()
    if refs:
        logger.info("Deleted %d unconfirmed newsletter sign-up(s) made before %s.", len(refs), cutoff.isoformat())
    return len(refs)


class ErasureNeedsLogin(Exception):
    """The address belongs to an account: it is deleted by its holder, logged in with the password, not by a link."""


def subscriber_data_erase_check(*, subscriber: Subscriber) -> None:
    """Raise ErasureNeedsLogin if the subscriber's address belongs to an account.

    The link in every newsletter is the only proof here, and newsletters get forwarded: it may erase what the
    address holds, but an account (and what hangs on it) only goes with its password.
    """
    if account_exists_for_email(email=subscriber.email):
        raise ErasureNeedsLogin()


@transaction.atomic
def subscriber_data_erase(*, subscriber: Subscriber) -> ErasureRecord:
    """Erase everything held about a subscriber's address across all apps, at the subscriber's own request."""
    # The lock makes a second, simultaneous confirmation wait for the first and then find the link gone.
    locked = Subscriber.objects.select_for_update().filter(pk=subscriber.pk).first()
    if locked is None:
        raise InvalidToken(gone=True)
    subscriber_data_erase_check(subscriber=locked)
    return person_erase(email=locked.email, via=ErasureRecord.Via.SELF)
