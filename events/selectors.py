"""Reads of the event calendar for views and other apps."""

import calendar
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Event, Registration, Series, Topic

_PUBLIC_STATUSES = [Event.Status.PUBLISHED, Event.Status.POSTPONED, Event.Status.CANCELLED]
_tz = ZoneInfo("Europe/Berlin")
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")  # the alphabet of secrets.token_urlsafe


def _public_q(now: datetime) -> Q:
    return Q(status__in=_PUBLIC_STATUSES) | Q(status=Event.Status.SCHEDULED, publish_at__lte=now)


def events_public(*, series: str = "", topic: str = "", format: str = "", region: str = "") -> QuerySet[Event]:
    """Return the published events (scheduled ones once due), filtered, with what a card needs."""
    qs = Event.objects.filter(_public_q(timezone.now())).select_related("series", "venue").prefetch_related("topics")
    if series:
        qs = qs.filter(series__slug=series)
    if topic:
        qs = qs.filter(topics__slug=topic)
    if format:
        qs = qs.filter(format=format)
    if region:
        qs = qs.filter(region=region)
    return qs


def events_public_plain() -> QuerySet[Event]:
    """Return the published events (scheduled ones once due) by start, without card extras (for links)."""
    return Event.objects.filter(_public_q(timezone.now())).order_by("start", "pk")


def events_next_change(now: datetime) -> datetime | None:
    """Return the next moment after now at which a public event page changes by the clock alone."""
    public = _public_q(now)
    found = Event.objects.aggregate(
        publish=Min("publish_at", filter=Q(status=Event.Status.SCHEDULED, publish_at__gt=now)),
        start=Min("start", filter=public & Q(start__gt=now)),
        end=Min("end", filter=public & Q(end__gt=now)),
        opens=Min("registration_opens", filter=public & Q(registration_opens__gt=now)),
        closes=Min("registration_closes", filter=public & Q(registration_closes__gt=now)),
    )
    return min((moment for moment in found.values() if moment is not None), default=None)


def events_with_places(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate confirmed places and waiting people, as subqueries of the one query (no query per event).

    Subqueries, not a join with GROUP BY: a page of 100 events reads only their registrations, and a count of
    the list leaves them out (the admin's changelist at 200,000 registrations)."""
    registrations = Registration.objects.filter(event=OuterRef("pk")).order_by().values("event")
    confirmed = registrations.filter(status=Registration.Status.CONFIRMED).annotate(n=Sum("places")).values("n")
    waiting = registrations.filter(status=Registration.Status.WAITING).annotate(n=Count("pk")).values("n")
    return qs.annotate(places_confirmed=Coalesce(Subquery(confirmed), 0), places_waiting=Coalesce(Subquery(waiting), 0))


def events_upcoming(*, limit: int | None = None, **filters) -> QuerySet[Event]:
    """Return the next published events (not yet ended), soonest first, with their places counted."""
    qs = events_with_places(events_public(**filters)).filter(end__gte=timezone.now()).order_by("start", "pk")
    return qs[:limit] if limit else qs


def events_with_state(events) -> list[Event]:
    """Return the events of a list with ``card_state``: the registration state with the places counted."""
    now = timezone.now()
    events = list(events)
    for event in events:
        event.card_state = event.registration_state_counted(
            confirmed=event.places_confirmed, waiting=event.places_waiting, now=now
        )
    return events


def events_past(**filters) -> QuerySet[Event]:
    """Return the published events that have ended, latest first."""
    return events_public(**filters).filter(end__lt=timezone.now()).order_by("-start", "-pk")


def events_in_month(*, year: int, month: int, **filters) -> list[Event]:
    """Return the published events overlapping a month (Berlin time), by start, with their card state."""
    first = datetime.combine(date(year, month, 1), time.min, tzinfo=_tz)
    last_day = calendar.monthrange(year, month)[1]
    after = datetime.combine(date(year, month, last_day) + timedelta(days=1), time.min, tzinfo=_tz)
    qs = events_with_places(events_public(**filters)).filter(start__lt=after, end__gte=first).order_by("start", "pk")
    return events_with_state(qs)


def month_weeks(*, year: int, month: int, events: list[Event]) -> list[list[dict]]:
    """Return the month as weeks of days (Monday first), each day with its events."""
    by_day: dict[date, list[Event]] = {}
    for event in events:
        day = timezone.localtime(event.start, _tz).date()
        end_day = timezone.localtime(event.end, _tz).date()
        while day <= end_day:
            by_day.setdefault(day, []).append(event)
            day += timedelta(days=1)
    today = timezone.localdate()
    return [
        [{"date": d, "in_month": d.month == month, "today": d == today, "events": by_day.get(d, [])} for d in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


def event_get(*, slug: str, preview: bool = False) -> Event | None:
    """Return a published event by slug (any event if staff preview), or None."""
    qs = Event.objects.select_related("series", "venue").prefetch_related("topics")
    if not preview:
        qs = qs.filter(_public_q(timezone.now()))
    return qs.filter(slug=slug).first()


def event_places(*, event: Event) -> dict:
    """Return confirmed places, waiting people and free places of an event."""
    counts = event.registrations.aggregate(
        confirmed=Sum("places", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
    )
    confirmed = counts["confirmed"] or 0
    free = None if event.capacity is None else max(event.capacity - confirmed, 0)
    return {"confirmed": confirmed, "waiting": counts["waiting"], "free": free, "capacity": event.capacity}


def registration_get_by_token(*, token: str) -> Registration | None:
    """Return the registration of a personal link, or None for an unknown or tampered token."""
    if not token or len(token) > 64 or not _TOKEN.fullmatch(token):
        return None  # never ask the database about NUL or other characters no token has (PostgreSQL refuses NUL)
    return Registration.objects.select_related("event", "event__series", "event__venue").filter(token=token).first()


def registration_of(*, event: Event, user) -> Registration | None:
    """Return a logged-in user's active registration for an event, if any."""
    if not user.is_authenticated:
        return None
    return (
        event.registrations.filter(Q(user=user) | Q(email=user.email.lower()))
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )


def registrations_of_user(*, user) -> QuerySet[Registration]:
    """Return a user's registrations (by account or email), upcoming events first."""
    return (
        Registration.objects.filter(Q(user=user) | Q(email=user.email.lower()))
        .exclude(email="")
        .select_related("event", "event__series")
        .order_by("-event__start")
    )


def series_all() -> list[Series]:
    """Return every series (for filters)."""
    return list(Series.objects.all())


def topics_all() -> list[Topic]:
    """Return every topic (for filters)."""
    return list(Topic.objects.all())


def events_for_feed(*, series: str = "", topic: str = "") -> QuerySet[Event]:
    """Return the events of a calendar feed: from a year back onwards."""
    since = timezone.now() - timedelta(days=365)
    qs = events_public(series=series, topic=topic).select_related(None).select_related("venue").prefetch_related(None)
    return qs.filter(end__gte=since).order_by("start", "pk")[:1000]


def events_feed_version(*, series: str = "", topic: str = "") -> str:
    """Return a fingerprint of a feed's events that changes whenever one of them changes, comes or goes."""
    since = timezone.now() - timedelta(days=365)
    agg = (
        events_public(series=series, topic=topic)
        .prefetch_related(None)
        .filter(end__gte=since)
        .aggregate(changed=Max("updated_at"), count=Count("pk"))
    )
    return f"{agg['changed']}|{agg['count']}"


def registrations_for_export(*, event: Event) -> QuerySet[Registration]:
    """Return an event's registrations for the participants' CSV."""
    return event.registrations.order_by("status", "created_at", "pk")


def registration_waiting_position(*, registration: Registration) -> int | None:
    """Return a waiting registration's place in the queue (1 = next to move up), else None."""
    if registration.status != Registration.Status.WAITING:
        return None
    ahead = registration.event.registrations.filter(status=Registration.Status.WAITING).filter(
        Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def registrations_for_checkin(*, event: Event, query: str = "") -> QuerySet[Registration]:
    """Return an event's confirmed registrations for the door list, by name, optionally searched."""
    qs = event.registrations.filter(status=Registration.Status.CONFIRMED)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(email__icontains=query) | Q(organisation__icontains=query))
    return qs.order_by("name", "pk")
