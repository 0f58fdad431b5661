"""Reads of the newsletter for views, the admin and other apps."""

from django.conf import settings
from django.db.models import Count

from members.selectors import member_email_addresses

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


def mailing_recipients(*, mailing: Mailing):
    """Return the confirmed subscribers in a mailing's audience."""
    qs = Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED)
    if mailing.audience_language:
        qs = qs.filter(language=mailing.audience_language)
    topic_ids = list(mailing.topics.values_list("pk", flat=True))
    if topic_ids:
        qs = qs.filter(pk__in=Subscriber.topics.through.objects.filter(topic_id__in=topic_ids).values("subscriber_id"))
    if mailing.members_only:
        qs = qs.filter(email__in=member_email_addresses())
    return qs


def mailing_recipient_counts(*, mailing: Mailing) -> list[dict]:
    """Return how many subscribers a mailing would reach now, per language (code, name, count; German first)."""
    rows = mailing_recipients(mailing=mailing).order_by().values("language").annotate(n=Count("pk"))
    counts = {row["language"]: row["n"] for row in rows}
    order = [code for code, _name in settings.LANGUAGES]
    names = dict(settings.LANGUAGES)
    codes = sorted(counts, key=lambda code: (order.index(code) if code in order else len(order), code))
    return [{"language": code, "name": str(names.get(code, code)), "count": counts[code]} for code in codes]
