"""Bounces and complaints read back from the bounce mailbox, and staff's "reactivate address"."""

from django.db import transaction
from django.utils import timezone

from swsdigital.privacy.audit import LogEntry, audit_record
from swsdigital.privacy.services import consent_withdraw

from ..models import Delivery, Subscriber

CONSENT_KEY = "newsletter"
COMPLAINT = "complaint"


def _skip_open_deliveries(subscriber_id: int, reason: str) -> None:
    Delivery.objects.filter(
        subscriber_id=subscriber_id, status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRY]
    ).update(status=Delivery.Status.SKIPPED, last_error=reason)


@transaction.atomic
def subscriber_bounce_mark(*, subscriber_id: int, reason: str) -> bool:
    """Mark a subscriber bounced (a hard bounce, or too many soft ones); return whether this changed them."""
    changed = (
        Subscriber.objects.filter(pk=subscriber_id)
        .exclude(status__in=[Subscriber.Status.BOUNCED, Subscriber.Status.UNSUBSCRIBED])
        .update(status=Subscriber.Status.BOUNCED, bounced_at=timezone.now(), bounce_reason=reason[:300])
    )
    if changed:
        _skip_open_deliveries(subscriber_id, "bounced")
    return bool(changed)


@transaction.atomic
def subscriber_complaint(*, subscriber_id: int) -> bool:
    """Unsubscribe at once after a spam complaint (ARF); withdraw the consent and log why."""
    subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return False
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.unsubscribe_reason = COMPLAINT
    subscriber.save(update_fields=["status", "unsubscribed_at", "unsubscribe_reason"])
    withdrawn = consent_withdraw(
        key=CONSENT_KEY, email=subscriber.email, subject_ref=f"newsletter:{subscriber.pk}", reason="complaint"
    )
    audit_record(
        target=subscriber,
        action=LogEntry.Action.UPDATE,
        event="newsletter.complaint",
        reason=COMPLAINT,
        consents_withdrawn=withdrawn,
    )
    _skip_open_deliveries(subscriber.pk, COMPLAINT)
    return True


@transaction.atomic
def subscriber_reactivate(*, subscriber: Subscriber) -> bool:
    """Take a bounced address back onto the list (staff checked it works); return whether it was bounced."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status != Subscriber.Status.BOUNCED:
        return False
    subscriber.status = Subscriber.Status.CONFIRMED if subscriber.confirmed_at else Subscriber.Status.PENDING
    subscriber.bounced_at = None
    subscriber.bounce_reason = ""
    subscriber.save(update_fields=["status", "bounced_at", "bounce_reason"])
    audit_record(target=subscriber, action=LogEntry.Action.UPDATE, event="newsletter.reactivated")
    return True
