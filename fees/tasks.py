"""Thin Celery tasks of the fees app: ids in, services do the work; all idempotent."""

from celery import shared_task

from .services import issuing, mandates, reminders


@shared_task(acks_late=True)
def invoices_issue_task(invoice_ids: list[int]) -> int:
    """Render and mail the given invoices (each at most once)."""
    return sum(issuing.invoice_issue(invoice_id=pk) for pk in invoice_ids)


@shared_task
def invoices_issue_sweep_task() -> int:
    """Hand over invoices whose PDF was never rendered (the broker was down when they were issued)."""
    ids = issuing.invoices_unissued()
    if ids:
        issuing.invoices_issue_queue(invoice_ids=ids)
    return len(ids)


@shared_task
def reminders_send_task() -> int:
    """Send the payment reminders and dunning letters due today."""
    return reminders.reminders_send()


@shared_task
def mandates_expire_task() -> int:
    """End the SEPA mandates unused for 36 months."""
    return mandates.mandates_expire()
