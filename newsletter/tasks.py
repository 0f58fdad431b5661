"""Celery tasks of the newsletter: thin, idempotent, taking ids."""

from celery import shared_task

from . import services
from .services.sending import _runners_dispatch


@shared_task(ignore_result=True)
def mailing_prepare_task(mailing_id: int) -> int:
    """Create a mailing's delivery rows, then start the runners that send them."""
    count = services.mailing_deliveries_prepare(mailing_id=mailing_id)
    _runners_dispatch(mailing_id)
    return count


@shared_task(acks_late=True, ignore_result=True)
def mailing_run_task(mailing_id: int) -> str:
    """Send batches of a mailing for a while, then hand over to a fresh task (or wait for retries)."""
    result = services.mailing_run(mailing_id=mailing_id)
    if result.outcome == "continue":
        mailing_run_task.delay(mailing_id)
    elif result.outcome == "wait":
        mailing_run_task.apply_async((mailing_id,), countdown=result.wait_seconds)
    return result.outcome


@shared_task(ignore_result=True)
def mailings_sweep_task() -> int:
    """Start scheduled mailings and revive stalled ones."""
    return services.mailings_sweep()


@shared_task(ignore_result=True)
def subscribers_unconfirmed_delete_task() -> int:
    """Delete subscription requests that were never confirmed."""
    return services.subscribers_unconfirmed_delete()


@shared_task(ignore_result=True)
def subscribers_invite_from_applications_task() -> int:
    """Send the newsletter opt-in to membership applicants who asked for it (once per address)."""
    return services.subscribers_invite_from_applications()
