"""The event calendar's retention rule: participants are anonymised a set number of days after their event."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event, Registration
from swsdigital.privacy.retention import retention_apply

pytestmark = pytest.mark.django_db


def test_participants_are_anonymised_after_the_period_to_the_second(make_event, register, settings, caplog):
    settings.RETENTION = {**settings.RETENTION, "event_participants": 60}
    now = timezone.now()
    cutoff = now - timedelta(days=60)

    def ended(at, email):
        event = make_event()
        register(event, email)
        Event.objects.filter(pk=event.pk).update(start=at - timedelta(hours=2), end=at)
        return event

    due = ended(cutoff - timedelta(seconds=1), "due@example.org")
    at_cutoff = ended(cutoff, "cutoff@example.org")
    recent = ended(cutoff + timedelta(seconds=1), "recent@example.org")
    with caplog.at_level(logging.INFO):
        assert retention_apply(period="event_participants", now=now) == {"events.participants": 1}
    assert Registration.objects.get(event=due).email == ""
    assert Registration.objects.get(event=due).places == 1  # the counts stay
    assert Registration.objects.get(event=at_cutoff).email == "cutoff@example.org"
    assert Registration.objects.get(event=recent).email == "recent@example.org"
    assert "Anonymised 1 registration(s)" in caplog.text
    assert "Retention rule events.participants: 1 record(s)" in caplog.text
    assert retention_apply(period="event_participants", now=now) == {"events.participants": 0}
