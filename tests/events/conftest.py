"""Factories for the event calendar tests."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event, Registration, Series, Topic, Venue

_counter = itertools.count(1)


def werkbank() -> Venue:
    """Return the venue most test events take place at (one record, shared)."""
    return Venue.objects.get_or_create(
        name="Werkbank32",
        defaults={
            "street": "Bahnhofstraße 32",
            "postcode": "09648",
            "town": "Mittweida",
            "region": Event.Region.MITTELSACHSEN,
            "accessibility": "Stufenlos erreichbar.",
        },
    )[0]


@pytest.fixture
def venue(db) -> Venue:
    return werkbank()


@pytest.fixture
def make_event(db):
    """Return a factory of published, upcoming events open for registration."""

    def make(**kwargs) -> Event:
        n = next(_counter)
        start = kwargs.pop("start", timezone.now() + timedelta(days=10))
        defaults = {
            "title": f"SmartRailCampus {n}",
            "slug": f"smartrailcampus-{n}",
            "teaser": "Vernetzung rund um die Bahn der Zukunft",
            "description": "Vorträge und **Diskussion**.",
            "start": start,
            "end": start + timedelta(hours=3),
            "format": Event.Format.IN_PERSON,
            "venue": kwargs.pop("venue") if "venue" in kwargs else werkbank(),
            "status": Event.Status.PUBLISHED,
            "region": Event.Region.MITTELSACHSEN,
        }
        defaults.update(kwargs)
        topics = defaults.pop("topics", [])
        event = Event(**defaults)
        event.full_clean()
        event.save()
        if topics:
            event.topics.set(topics)
        return event

    return make


@pytest.fixture
def series(db) -> Series:
    return Series.objects.create(name="SmartRailCampus", slug="smartrailcampus")


@pytest.fixture
def topic(db) -> Topic:
    return Topic.objects.create(name="Mobilität", slug="mobilitaet")


@pytest.fixture
def register(db):
    """Return a helper that registers a person through the service."""
    from events.services import registration_create

    def reg(event, email: str, **kwargs) -> Registration:
        registration, _created = registration_create(
            event=event, name=kwargs.pop("name", email.split("@")[0].title()), email=email, **kwargs
        )
        return registration

    return reg


@pytest.fixture
def member(db):
    """Return the account of a real member's main contact (applied, confirmed and admitted via members.services)."""
    from tests.members.factories import member_admitted

    member = member_admitted(email="mia@example.org", first_name="Mia", last_name="Muster")
    return member.contacts.get(is_main=True).user
