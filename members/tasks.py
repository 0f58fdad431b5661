"""Periodic membership housekeeping (thin tasks calling services)."""

from celery import shared_task

from . import services


@shared_task
def applications_unconfirmed_purge_task() -> int:
    """Delete unconfirmed applications past the retention period."""
    return services.applications_unconfirmed_purge()


@shared_task
def members_resignations_apply_task() -> int:
    """End the memberships whose confirmed resignation date has passed."""
    return services.members_resignations_apply()
