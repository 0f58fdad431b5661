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
