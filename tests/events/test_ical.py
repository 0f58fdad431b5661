"""Every .ics the portal serves parses with icalendar and carries UID, SEQUENCE, VTIMEZONE and status."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event, Venue

pytestmark = pytest.mark.django_db


def _parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _check_calendar(cal: Calendar) -> None:
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    [tz] = cal.walk("VTIMEZONE")
    assert tz["TZID"] == "Europe/Berlin"
    assert tz.walk("STANDARD") and tz.walk("DAYLIGHT")
    for vevent in cal.walk("VEVENT"):
        assert vevent["UID"] and vevent["DTSTAMP"] and "SEQUENCE" in vevent
        if isinstance(vevent.decoded("DTSTART"), datetime):
            assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_event_ics_is_valid_and_uid_stable(client, make_event):
    event = make_event(title="SmartRailCampus: Connectivity", start=timezone.make_aware(datetime(2030, 7, 1, 16)))
    cal = _parse(client.get(reverse("events:ics", args=[event.slug])))
    _check_calendar(cal)
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "SmartRailCampus: Connectivity"
    assert vevent.decoded("DTSTART").hour == 16
    assert vevent["STATUS"] == "CONFIRMED"
    assert "Werkbank32" in str(vevent["LOCATION"])
    uid = str(vevent["UID"])
    again = _parse(client.get(reverse("events:ics", args=[event.slug])))
    assert str(again.walk("VEVENT")[0]["UID"]) == uid


def test_sequence_rises_with_every_change_of_time_or_place(client, make_event):
    event = make_event()
    url = reverse("events:ics", args=[event.slug])
    sequences = [int(_parse(client.get(url)).walk("VEVENT")[0]["SEQUENCE"])]
    event.start += timedelta(days=1)
    event.end += timedelta(days=1)
    services.event_save(event=event)
    sequences.append(int(_parse(client.get(url)).walk("VEVENT")[0]["SEQUENCE"]))
    event.venue = Venue.objects.create(name="Rathaus", street="Unterer Graben 1", postcode="08523", town="Plauen")
    services.event_save(event=event)
    sequences.append(int(_parse(client.get(url)).walk("VEVENT")[0]["SEQUENCE"]))
    assert sequences == [0, 1, 2]


def test_cancelled_event_ics(client, make_event):
    event = make_event(status=Event.Status.CANCELLED)
    [vevent] = _parse(client.get(reverse("events:ics", args=[event.slug]))).walk("VEVENT")
    assert vevent["STATUS"] == "CANCELLED"


def test_all_day_event_uses_dates(client, make_event):
    start = timezone.make_aware(datetime(2030, 4, 5, 0, 0))
    event = make_event(start=start, end=start + timedelta(hours=23), all_day=True)
    [vevent] = _parse(client.get(reverse("events:ics", args=[event.slug]))).walk("VEVENT")
    assert str(vevent.decoded("DTSTART")) == "2030-04-05"
    assert str(vevent.decoded("DTEND")) == "2030-04-06"


def test_feeds_all_series_and_topic(client, make_event, series, topic):
    in_series = make_event(series=series)
    with_topic = make_event(topics=[topic])
    make_event(status=Event.Status.DRAFT)
    cal = _parse(client.get(reverse("events:feed")))
    _check_calendar(cal)
    assert len(cal.walk("VEVENT")) == 2
    assert cal.decoded("REFRESH-INTERVAL") == timedelta(hours=6)
    assert b"X-PUBLISHED-TTL:PT6H" in client.get(reverse("events:feed")).content
    cal = _parse(client.get(reverse("events:feed"), {"series": series.slug}))
    assert [str(v["SUMMARY"]) for v in cal.walk("VEVENT")] == [in_series.title]
    cal = _parse(client.get(reverse("events:feed"), {"topic": topic.slug}))
    assert [str(v["SUMMARY"]) for v in cal.walk("VEVENT")] == [with_topic.title]
    cal = _parse(client.get(reverse("events:feed"), {"topic": "gibt-es-nicht"}))
    assert cal.walk("VEVENT") == []


def test_list_advertises_webcal(client, make_event):
    make_event()
    html = client.get(reverse("events:list")).content.decode()
    assert "webcal://" in html
    assert 'type="text/calendar"' in html


def test_feed_is_cached_until_an_event_changes(client, make_event, django_assert_max_num_queries):
    event = make_event(title="Erster Titel")
    url = reverse("events:feed")
    assert b"Erster Titel" in client.get(url).content
    with django_assert_max_num_queries(3):
        assert b"Erster Titel" in client.get(url).content  # from the cache: no event rows loaded
    event.title = "Neuer Titel"
    services.event_save(event=event)
    assert b"Neuer Titel" in client.get(url).content
    make_event(title="Hinzugekommen")
    assert b"Hinzugekommen" in client.get(url).content


def test_detail_links_the_series_feed(client, make_event, series, settings):
    event = make_event(series=series)
    html = client.get(event.get_absolute_url()).content.decode()
    host = settings.SITE_URL.split("://", 1)[-1]
    assert f'href="webcal://{host}{reverse("events:feed")}?series={series.slug}"' in html
