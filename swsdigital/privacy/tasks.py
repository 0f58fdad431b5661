"""Celery tasks of privacy: thin and idempotent."""

from celery import shared_task

from . import retention


@shared_task(acks_late=True, ignore_result=True)
def retention_apply_task(period: str) -> dict[str, int]:
    """Apply the retention rules of one period of settings.RETENTION (beat runs each period daily)."""
    return retention.retention_apply(period=period)
