"""RFC 5545 calendars of events: one event for downloads and mails, many for feeds."""

from collections.abc import Iterable
from datetime import timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Timezone, vDuration
from icalendar import Event as VEvent

from swsdigital.core.translated import text_language

from .models import Event

TZID = "Europe/Berlin"
_tz = ZoneInfo(TZID)


@lru_cache(maxsize=1)
def _vtimezone() -> Timezone:
    # Building the transitions takes milliseconds; the rules do not change while the process runs.
    return Timezone.from_tzid(TZID)


def _location(event: Event) -> str:
    venue = event.place
    parts = [venue.name, venue.address] if venue else []
    if event.format == Event.Format.ONLINE:
        parts.append("Online")
    return ", ".join(p for p in parts if p)


def event_uid(event: Event) -> str:
    """Return the event's stable calendar UID."""
    return f"{event.uid}@{settings.EVENTS_ICAL_DOMAIN}"


def _vevent(event: Event, *, online_url: str = "") -> VEvent:
    vevent = VEvent()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", timezone.now().replace(microsecond=0))
    vevent.add("sequence", event.sequence)
    # RFC 5545 §3.2.10: the text's real language (German where no English text exists yet).
    vevent.add("summary", event.title, parameters={"LANGUAGE": text_language(event, "title")})
    if event.all_day:
        start = timezone.localtime(event.start, _tz).date()
        end = timezone.localtime(event.end, _tz).date() + timedelta(days=1)
        vevent.add("dtstart", start)
        vevent.add("dtend", end)
    else:
        vevent.add("dtstart", timezone.localtime(event.start, _tz).replace(microsecond=0))
        vevent.add("dtend", timezone.localtime(event.end, _tz).replace(microsecond=0))
    description = event.teaser
    if online_url:
        description = f"{description}\n\n{online_url}".strip()
    url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    language = {"LANGUAGE": text_language(event, "teaser")} if event.teaser else None
    vevent.add("description", f"{description}\n\n{url}".strip(), parameters=language)
    vevent.add("url", url)
    location = _location(event)
    if location:
        vevent.add("location", location)
    vevent.add("last-modified", event.updated_at.replace(microsecond=0))
    if event.status == Event.Status.CANCELLED:
        vevent.add("status", "CANCELLED")
    elif event.status == Event.Status.POSTPONED:
        vevent.add("status", "TENTATIVE")
    else:
        vevent.add("status", "CONFIRMED")
    if event.contact_email:
        cn = event.organiser or event.contact_name
        vevent.add("organizer", f"mailto:{event.contact_email}", parameters={"CN": cn} if cn else None)
    return vevent


def calendar_build(
    events: Iterable[Event], *, name: str = "", online_url_for: dict | None = None, refresh: timedelta | None = None
) -> bytes:
    """Return a VCALENDAR with a Europe/Berlin VTIMEZONE and one VEVENT per event."""
    cal = Calendar()
    cal.add("prodid", "-//SWS Digital//Veranstaltungen//DE")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
        cal.add("name", name)
    cal.add("x-wr-timezone", TZID)
    if refresh:  # how often subscribed clients should fetch the feed again
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(refresh))
    cal.add_component(_vtimezone())
    for event in events:
        cal.add_component(_vevent(event, online_url=(online_url_for or {}).get(event.pk, "")))
    return cal.to_ical()


def event_ics(event: Event, *, with_online_url: bool = False) -> bytes:
    """Return the .ics of one event (with the online link only for registered participants)."""
    urls = {event.pk: event.online_url} if with_online_url and event.online_url else None
    return calendar_build([event], name=event.title, online_url_for=urls)
