"""Periodic work of the event calendar (thin: each calls one service)."""

from celery import shared_task

from . import services


@shared_task
def registration_reminders_send_task() -> int:
    """Send the due 24-hour reminders (each registration once)."""
    return services.registration_reminders_send()


@shared_task
def registrations_anonymise_task() -> int:
    """Anonymise participants of events that ended long enough ago."""
    return services.registrations_anonymise()
