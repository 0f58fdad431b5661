"""Registration emails through the real worker and SMTP sink."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar

from events import services

pytestmark = pytest.mark.integration


def _attachments(message) -> dict:
    return {part.get_filename(): part for part in message.iter_attachments()}


def test_confirmation_arrives_with_ics_and_qr(celery_worker, smtp_sink, make_event):
    event = make_event(title="Regionaler Digital-Gipfel", capacity=1)
    with transaction.atomic():
        services.registration_create(event=event, name="Anna", email="anna@example.org")
        services.registration_create(event=event, name="Ben", email="ben@example.org")
    [confirmation] = smtp_sink.wait_for(1, to="anna@example.org")
    assert "Regionaler Digital-Gipfel" in confirmation["Subject"]
    files = _attachments(confirmation)
    cal = Calendar.from_ical(files[f"{event.slug}.ics"].get_content())
    assert cal.walk("VEVENT")[0]["SUMMARY"] == "Regionaler Digital-Gipfel"
    assert files["check-in.png"].get_content_type() == "image/png"
    assert files["check-in.png"].get_content().startswith(b"\x89PNG")
    [waiting] = smtp_sink.wait_for(1, to="ben@example.org")
    assert not _attachments(waiting)


def test_reminder_run_twice_arrives_once(celery_worker, smtp_sink, make_event):
    event = make_event(start=timezone.now() + timedelta(hours=12))
    with transaction.atomic():
        services.registration_create(event=event, name="Clara", email="clara@example.org")
    smtp_sink.wait_for(1, to="clara@example.org")  # the confirmation
    assert services.registration_reminders_send() == 1
    assert services.registration_reminders_send() == 0
    smtp_sink.wait_for(2, to="clara@example.org")
    # A marker sent afterwards: by its arrival, a duplicate reminder would have had its chance.
    with transaction.atomic():
        services.registration_create(event=make_event(), name="Marker", email="marker@example.org")
    smtp_sink.wait_for(1, to="marker@example.org")
    messages = smtp_sink.to("clara@example.org")
    assert len(messages) == 2
    assert sum("Erinnerung" in m["Subject"] or "Reminder" in m["Subject"] for m in messages) == 1
