"""The demo season loads twice without changing anything."""

import pytest

from events import demo, selectors
from events.models import Event, Registration

pytestmark = pytest.mark.django_db


def test_demo_season_is_realistic_and_idempotent():
    demo.load()
    counts = (Event.objects.count(), Registration.objects.count())
    demo.load()
    assert (Event.objects.count(), Registration.objects.count()) == counts
    assert selectors.events_past().exists() and selectors.events_upcoming().exists()
    assert Event.objects.filter(status=Event.Status.CANCELLED).count() == 1
    full = Event.objects.get(slug="smartrailcampus-ki-instandhaltung")
    places = selectors.event_places(event=full)
    assert places["free"] == 0 and places["waiting"] == 4


def test_demo_texts_fit_their_events():
    demo.load()
    events = list(Event.objects.all())
    assert len({event.description for event in events}) == len(events)  # each event says its own
    for event in events:
        text = f"{event.teaser} {event.description}".lower()
        if event.is_online:
            assert not {"kaffee", "imbiss", "foyer", "getränke", "mittag"} & set(text.replace(";", " ").split()), event
            assert "browser" in text or "online" in text or "link" in text
        hours = (event.end - event.start).total_seconds() / 3600
        if hours <= 1:
            assert "eine stunde" in text or "60 minuten" in text or "einer stunde" in text
        assert "vorjahr" not in text, event  # the demo season has no previous year
    webinar = Event.objects.get(slug="webinar-it-sicherheit-kmu")
    assert "Kaffee" not in webinar.description and "11:00 Uhr Ende" in webinar.description
    assembly = Event.objects.get(slug="mitgliederversammlung")
    assert "Tagesordnung" in assembly.description and "zwei Personen" in assembly.description
