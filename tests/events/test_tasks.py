"""The periodic tasks are scheduled and call their services."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from events import tasks
from events.models import Registration

pytestmark = pytest.mark.django_db


def test_beat_schedules_reminders_and_anonymisation():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "events.tasks.registration_reminders_send_task" in scheduled
    # Anonymisation is a retention rule: beat runs the rules of its period daily (swsdigital/privacy/retention.py).
    entry = settings.CELERY_BEAT_SCHEDULE["retention-event_participants"]
    assert entry["task"] == "swsdigital.privacy.tasks.retention_apply_task" and entry["args"] == ("event_participants",)


def test_tasks_run_their_services(make_event, register):
    event = make_event(start=timezone.now() + timedelta(hours=3))
    register(event, "a@example.org")
    assert tasks.registration_reminders_send_task.apply().get() == 1
    assert tasks.registration_reminders_send_task.apply().get() == 0
    old = make_event()
    register(old, "b@example.org")
    ended = timezone.now() - timedelta(days=settings.RETENTION["event_participants"] + 1)
    type(old).objects.filter(pk=old.pk).update(start=ended - timedelta(hours=2), end=ended)
    assert tasks.registrations_anonymise_task.apply().get() == 1
    assert Registration.objects.get(event=old).email == ""
