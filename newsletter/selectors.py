"""Reads of the newsletter for views, the admin and other apps."""

from .models import Delivery, Mailing, Subscriber, Topic


def topics_offered():
    """Return the topics people can choose."""
    return Topic.objects.filter(is_active=True)


def mailings_archive():
    """Return the sent mailings shown in the public archive, newest first."""
    return Mailing.objects.filter(status=Mailing.Status.SENT, in_archive=True).order_by("-finished_at", "-pk")


def mailing_archived_get(*, pk: int) -> Mailing | None:
    """Return one archived mailing, or None."""
    return mailings_archive().filter(pk=pk).first()


def subscriber_count() -> int:
    """Return the number of confirmed subscribers."""
    return Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).count()


def mailing_deliveries_sent_twice(*, mailing: Mailing) -> int:
    """Return how many deliveries of a mailing needed more than one attempt and were sent."""
    return Delivery.objects.filter(mailing=mailing, status=Delivery.Status.SENT, attempts__gt=1).count()
