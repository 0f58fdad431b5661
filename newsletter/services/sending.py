"""The sending engine: delivery rows in bulk, batches claimed by workers, one SMTP connection per batch.

Each delivery is claimed with a lease (``locked_until``) before its message goes out and marked
after the batch; a worker that dies mid-batch leaves its rows claimed until the lease ends, then
the sweeper hands them to another worker. So no recipient is lost and at most one batch per dead
worker is sent twice (with the same Message-ID, which lets mail systems drop the copy).
"""

import contextlib
import logging
import smtplib
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from swsdigital.core.pagecache import page_cache_invalidate
from swsdigital.mail.services import email_queue, smtp_error_is_temporary

from ..models import Delivery, Mailing, Subscriber
from ..ratelimit import SendRateLimiter
from ..selectors import mailing_recipients
from .checks import mailing_gate, mailing_send_refusal

logger = logging.getLogger(__name__)

DS = Delivery.Status
MS = Mailing.Status


def _heartbeat_key(mailing_id: int) -> str:
    return f"newsletter:mailing:{mailing_id}:heartbeat"


# --- Staff actions ----------------------------------------------------------------------------------


@transaction.atomic
def mailing_send(*, mailing: Mailing) -> Mailing:
    """Start sending now: the worker creates the delivery rows and the runners send them.

    The engine's own entry, without the pre-send check: staff paths use mailing_send_checked.
    """
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status not in (MS.DRAFT, MS.SCHEDULED):
        return mailing
    mailing.status = MS.SENDING
    mailing.started_at = timezone.now()
    mailing.full_clean()
    mailing.save(update_fields=["status", "started_at"])
    from ..tasks import mailing_prepare_task

    transaction.on_commit(lambda: mailing_prepare_task.delay(mailing.pk))
    return mailing


@transaction.atomic
def mailing_send_checked(*, mailing: Mailing, accept_warnings: bool = False) -> Mailing:
    """Start sending now if the current content passed its pre-send check (raise MailingCheckRequired if not)."""
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status in (MS.DRAFT, MS.SCHEDULED):
        mailing_gate(mailing, accept_warnings=accept_warnings)
    return mailing_send(mailing=mailing)


@transaction.atomic
def mailing_schedule(*, mailing: Mailing, when, accept_warnings: bool = False) -> Mailing:
    """Plan a mailing for a moment once its content passed the pre-send check; the periodic sweep starts it then."""
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status in (MS.DRAFT, MS.SCHEDULED):
        mailing_gate(mailing, accept_warnings=accept_warnings)
        mailing.status = MS.SCHEDULED
        mailing.scheduled_at = when
        mailing.save(update_fields=["status", "scheduled_at"])
    return mailing


def mailing_pause(*, mailing: Mailing) -> bool:
    """Stop the runners after their current batch; resume continues where they stopped."""
    return bool(Mailing.objects.filter(pk=mailing.pk, status=MS.SENDING).update(status=MS.PAUSED))


@transaction.atomic
def mailing_resume(*, mailing: Mailing) -> bool:
    """Continue a paused mailing."""
    if not Mailing.objects.filter(pk=mailing.pk, status=MS.PAUSED).update(status=MS.SENDING):
        return False
    transaction.on_commit(lambda: _runners_dispatch(mailing.pk))
    return True


@transaction.atomic
def mailing_cancel(*, mailing: Mailing) -> bool:
    """Stop a mailing for good; deliveries not yet sent are skipped."""
    cancelled = Mailing.objects.filter(pk=mailing.pk, status__in=[MS.DRAFT, MS.SCHEDULED, MS.SENDING, MS.PAUSED])
    if not cancelled.update(status=MS.CANCELLED, finished_at=timezone.now()):
        return False
    Delivery.objects.filter(mailing=mailing, status__in=[DS.QUEUED, DS.RETRY]).update(
        status=DS.SKIPPED, last_error="cancelled"
    )
    return True


def mailing_test_send(*, mailing: Mailing, to: str, language: str = "de") -> None:
    """Send the mailing as it will look to a staff address, through the outbox."""
    from ..rendering import mailing_render

    subject, text, html = mailing_render(
        mailing, language, unsubscribe_url=settings.SITE_URL, preferences_url=settings.SITE_URL
    )
    email_queue(
        to=to, subject=f"[Test] {subject}", text=text, html=html, template="newsletter/mailing", language=language
    )


# --- Worker side ---------------------------------------------------------------------------------


def mailing_deliveries_prepare(*, mailing_id: int) -> int:
    """Create the missing delivery rows of a mailing in one INSERT ... SELECT; return how many exist (idempotent)."""
    mailing = Mailing.objects.get(pk=mailing_id)
    if mailing.status != MS.SENDING:
        return 0
    try:
        recipients = mailing_recipients(mailing=mailing).order_by("pk").values(recipient_id=F("pk"))
        sql, params = recipients.query.sql_with_params()
    except EmptyResultSet:  # e.g. "members only" while no member has an address
        return Delivery.objects.filter(mailing_id=mailing_id).count()
    quote = db_connection.ops.quote_name
    table = quote(Delivery._meta.db_table)
    columns = ", ".join(quote(c) for c in ("mailing_id", "subscriber_id", "status", "attempts", "claim", "last_error"))
    # Only quoted identifiers and Django's compiled query go into the text; values are parameters.
    # "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    select = f"SELECT %s, recipients.{quote('recipient_id')}, %s, 0, '', '' FROM ({sql}) recipients WHERE true"  # noqa: S608
    insert = f"INSERT INTO {table} ({columns}) {select} ON CONFLICT DO NOTHING"
    with transaction.atomic(), db_connection.cursor() as cursor:
        cursor.execute(insert, [mailing_id, DS.QUEUED, *params])
    return Delivery.objects.filter(mailing_id=mailing_id).count()


def _runners_dispatch(mailing_id: int, count: int | None = None) -> None:
    from ..tasks import mailing_run_task

    for _i in range(count or settings.NEWSLETTER_PARALLEL):
        mailing_run_task.delay(mailing_id)


def _claimable(now) -> Q:
    return (
        Q(status=DS.QUEUED)
        | Q(status=DS.RETRY, next_attempt_at__lte=now)
        | Q(status=DS.SENDING, locked_until__lt=now)  # the worker holding it died
    )


def deliveries_claim(*, mailing_id: int, size: int) -> list[Delivery]:
    """Claim up to ``size`` due deliveries for this worker: SKIP LOCKED on PostgreSQL, a guarded update elsewhere."""
    now = timezone.now()
    claim = uuid.uuid4().hex
    lease = now + timedelta(seconds=settings.NEWSLETTER_CLAIM_SECONDS)
    due = Delivery.objects.filter(mailing_id=mailing_id).filter(_claimable(now))
    with transaction.atomic():
        if db_connection.vendor == "postgresql":
            ids = list(due.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)[:size])
            if not ids:
                return []
            Delivery.objects.filter(pk__in=ids).update(
                status=DS.SENDING, claim=claim, locked_until=lease, attempts=F("attempts") + 1
            )
        else:
            # SQLite writes one at a time: re-checking "still due" in the UPDATE makes the claim exclusive.
            ids = list(due.order_by("pk").values_list("pk", flat=True)[:size])
            if not ids:
                return []
            Delivery.objects.filter(pk__in=ids).filter(_claimable(now)).update(
                status=DS.SENDING, claim=claim, locked_until=lease, attempts=F("attempts") + 1
            )
    return list(Delivery.objects.filter(claim=claim, status=DS.SENDING).select_related("subscriber").order_by("pk"))


@dataclass
class BatchResult:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    skipped: int = 0


def _retry_delay(attempts: int) -> int | None:
    delays = settings.NEWSLETTER_RETRY_DELAYS
    return delays[attempts - 1] if attempts <= len(delays) else None


UNSUBSCRIBE_CHECK_SECONDS = 0.25


def _confirmed_ids(deliveries: list[Delivery]) -> set[int]:
    ids = [d.subscriber_id for d in deliveries]
    return set(Subscriber.objects.filter(pk__in=ids, status=Subscriber.Status.CONFIRMED).values_list("pk", flat=True))


def _batch_send(mailing: Mailing, batch: list[Delivery], renderer, limiter: SendRateLimiter) -> BatchResult:
    result = BatchResult()
    active = _confirmed_ids(batch)
    skipped = [d.pk for d in batch if d.subscriber_id not in active]
    sent: list[int] = []
    retry: dict[int, str] = {}
    failed: dict[int, str] = {}
    pending = [d for d in batch if d.subscriber_id in active]
    checked_at = time.monotonic()
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        for index, delivery in enumerate(pending):
            limiter.acquire()
            if time.monotonic() - checked_at > UNSUBSCRIBE_CHECK_SECONDS:
                # An unsubscribe counts up to the moment of sending (give or take this interval).
                active = _confirmed_ids(pending[index:])
                checked_at = time.monotonic()
            if delivery.subscriber_id not in active:
                skipped.append(delivery.pk)
                continue
            try:
                smtp = getattr(connection, "connection", None)
                if smtp is not None and renderer.can_send_raw(delivery):
                    smtp.sendmail(*renderer.raw(delivery))
                else:  # other backends (files, tests) or non-ASCII addresses: Django's message
                    connection.send_messages([renderer.message(delivery, connection=connection)])
            except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as exc:
                # The server answered about this message: 4xx comes again later, 5xx bounces.
                error = f"{type(exc).__name__}: {exc}"[:500]
                if smtp_error_is_temporary(exc):
                    retry[delivery.pk] = error
                else:
                    failed[delivery.pk] = error
            except Exception as exc:
                # The connection broke: this message and the rest of the batch are retried later.
                for rest in pending[index:]:
                    retry[rest.pk] = f"{type(exc).__name__}: {exc}"[:500]
                break
            else:
                sent.append(delivery.pk)
    except Exception as exc:  # could not connect at all
        done = set(sent) | set(retry) | set(failed)
        for delivery in pending:
            if delivery.pk not in done:
                retry[delivery.pk] = f"{type(exc).__name__}: {exc}"[:500]
    finally:
        with contextlib.suppress(Exception):  # closing a broken connection may fail too
            connection.close()
    now = timezone.now()
    with transaction.atomic():
        if sent:
            Delivery.objects.filter(pk__in=sent).update(status=DS.SENT, sent_at=now, locked_until=None, last_error="")
        if skipped:
            Delivery.objects.filter(pk__in=skipped).update(status=DS.SKIPPED, locked_until=None)
        by_pk = {d.pk: d for d in batch}
        bounced = list(failed)
        for pk, error in retry.items():
            delay = _retry_delay(by_pk[pk].attempts)
            if delay is None:  # out of attempts: give up on this mailing, keep the address
                failed[pk] = error
                continue
            result.retry += 1
            Delivery.objects.filter(pk=pk).update(
                status=DS.RETRY, next_attempt_at=now + timedelta(seconds=delay), locked_until=None, last_error=error
            )
        for pk, error in failed.items():
            Delivery.objects.filter(pk=pk).update(status=DS.FAILED, locked_until=None, last_error=error)
        if bounced:
            Subscriber.objects.filter(pk__in=[by_pk[pk].subscriber_id for pk in bounced]).update(
                status=Subscriber.Status.BOUNCED, bounced_at=now, bounce_reason=failed[bounced[0]][:300]
            )
    result.sent, result.skipped, result.failed = len(sent), len(skipped), len(failed)
    return result


@dataclass
class RunResult:
    outcome: str  # "continue", "wait", "done", "idle", "stopped"
    sent: int = 0
    wait_seconds: int = 0


def _mailing_finish(mailing_id: int) -> bool:
    open_rows = Delivery.objects.filter(mailing_id=mailing_id, status__in=[DS.QUEUED, DS.SENDING, DS.RETRY])
    if open_rows.exists():
        return False
    sending = Mailing.objects.filter(pk=mailing_id, status=MS.SENDING)
    finished = sending.update(status=MS.SENT, finished_at=timezone.now())
    if finished:
        page_cache_invalidate("newsletter")  # the public archive shows it from now on
    return bool(finished)


def mailing_run(*, mailing_id: int, seconds: float | None = None) -> RunResult:
    """Claim and send batches of a mailing for up to ``seconds``; say whether to continue, wait or stop."""
    from ..rendering import MailingRenderer

    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None or mailing.status != MS.SENDING:
        return RunResult("stopped")
    renderer = MailingRenderer(mailing)
    limiter = SendRateLimiter()
    deadline = time.monotonic() + (settings.NEWSLETTER_RUN_SECONDS if seconds is None else seconds)
    total = 0
    while time.monotonic() < deadline:
        if Mailing.objects.filter(pk=mailing_id).values_list("status", flat=True).first() != MS.SENDING:
            return RunResult("stopped", sent=total)
        batch = deliveries_claim(mailing_id=mailing_id, size=settings.NEWSLETTER_BATCH_SIZE)
        if not batch:
            if _mailing_finish(mailing_id):
                return RunResult("done", sent=total)
            # Come back when the next retry is due or another worker's lease ends (it may have died).
            moments = [
                Delivery.objects.filter(mailing_id=mailing_id, status=DS.RETRY)
                .order_by("next_attempt_at")
                .values_list("next_attempt_at", flat=True)
                .first(),
                Delivery.objects.filter(mailing_id=mailing_id, status=DS.SENDING)
                .order_by("locked_until")
                .values_list("locked_until", flat=True)
                .first(),
            ]
            moments = [m for m in moments if m is not None]
            if moments:
                wait = max(1, int((min(moments) - timezone.now()).total_seconds()) + 1)
                return RunResult("wait", sent=total, wait_seconds=wait)
            return RunResult("idle", sent=total)
        cache.set(_heartbeat_key(mailing_id), time.time(), timeout=3600)
        total += _batch_send(mailing, batch, renderer, limiter).sent
    return RunResult("continue", sent=total)


def mailings_sweep() -> int:
    """Start due scheduled mailings and hand stalled ones (dead workers, lost tasks) to new runners."""
    now = timezone.now()
    started = 0
    just_started = []
    for mailing in Mailing.objects.filter(status=MS.SCHEDULED, scheduled_at__lte=now):
        # Checked when scheduled (warnings accepted then); edited since, it waits as a draft for a new check.
        refusal = mailing_send_refusal(mailing, accept_warnings=True)
        if refusal:
            logger.warning("Scheduled mailing %s not sent: %s", mailing.pk, refusal)
            Mailing.objects.filter(pk=mailing.pk, status=MS.SCHEDULED).update(status=MS.DRAFT)
            continue
        mailing_send(mailing=mailing)
        just_started.append(mailing.pk)
        started += 1
    quiet_since = time.time() - settings.NEWSLETTER_CLAIM_SECONDS
    sending = Mailing.objects.filter(status=MS.SENDING).exclude(pk__in=just_started)
    for mailing_id in sending.values_list("pk", flat=True):
        heartbeat = cache.get(_heartbeat_key(mailing_id))
        stale_claims = Delivery.objects.filter(mailing_id=mailing_id, status=DS.SENDING, locked_until__lt=now)
        has_deliveries = Delivery.objects.filter(mailing_id=mailing_id).exists()
        if not has_deliveries:
            if heartbeat is None or heartbeat < quiet_since:
                from ..tasks import mailing_prepare_task

                mailing_prepare_task.delay(mailing_id)
                cache.set(_heartbeat_key(mailing_id), time.time(), timeout=3600)
                started += 1
            continue
        if stale_claims.exists() or heartbeat is None or heartbeat < quiet_since:
            cache.set(_heartbeat_key(mailing_id), time.time(), timeout=3600)
            _runners_dispatch(mailing_id)
            started += 1
    return started


def mailing_progress(*, mailing: Mailing) -> dict:
    """Return the count of deliveries per status."""
    rows = Delivery.objects.filter(mailing=mailing).values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(DS.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
