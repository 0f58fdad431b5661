"""Celery tasks of the outbox: thin, idempotent, taking ids."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def email_deliver_task(email_id: int) -> str:
    """Send one outbox email; on a temporary failure queue the next attempt with backoff."""
    result = services.email_deliver(email_id=email_id)
    if result.retry_in is not None:
        services.email_enqueue(email_id=email_id, countdown=result.retry_in)
    return result.status


@shared_task(ignore_result=True)
def outbox_sweep_task() -> int:
    """Re-hand outbox rows that were committed but never reached a worker."""
    return services.outbox_sweep()


@shared_task(ignore_result=True)
def bounce_mailbox_read_task() -> dict:
    """Read the bounce mailbox once: record bounces, complaints and auto-replies, apply the bounce policy."""
    from .mailbox import bounce_mailbox_read

    return bounce_mailbox_read().as_dict()
