"""What a message from the bounce mailbox changes: record it once, find its row, apply the bounce policy.

Policy (each number a setting): a hard bounce (5.x.x) marks the address at once; soft bounces (4.x.x) count,
and ``BOUNCE_SOFT_LIMIT`` of them within ``BOUNCE_SOFT_WINDOW_DAYS`` mark it too; a complaint (ARF)
unsubscribes at once. What "marking" means belongs to the row's app: the outbox marks its email "not
delivered"; the newsletter (registered from its AppConfig.ready()) marks the subscriber bounced or
unsubscribed. Nothing here imports a domain app.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import bounces, returnpath
from .bounces import Report
from .models import InboundMessage, OutboxEmail

logger = logging.getLogger(__name__)

Kind = InboundMessage.Kind


@dataclass(frozen=True)
class Concern:
    """The row a token names, as its app sees it."""

    address: str
    subscriber_id: int | None = None


class TargetHandler:
    """What an app does when a bounce or complaint names one of its rows (one handler per token kind)."""

    def resolve(self, pk: int) -> Concern | None:  # None: the row is gone (an unknown token)
        raise NotImplementedError

    def bounced(self, concern: Concern, *, pk: int, reason: str) -> str:
        """Mark the address bounced; return what was done (for the record)."""
        raise NotImplementedError

    def complained(self, concern: Concern, *, pk: int) -> str:
        """Unsubscribe after a complaint; return what was done."""
        return ""

    def admin_url(self, record: InboundMessage) -> str:
        return ""


_handlers: dict[str, TargetHandler] = {}


def target_handler_register(kind: str, handler: TargetHandler) -> None:
    """Let an app handle bounces of the rows its tokens name (called from AppConfig.ready())."""
    _handlers[kind] = handler


def target_handler(kind: str) -> TargetHandler | None:
    return _handlers.get(kind)


class OutboxHandler(TargetHandler):
    """An outbox email that bounced shows as "not delivered" in the email log and on the record it was about."""

    def resolve(self, pk: int) -> Concern | None:
        to = OutboxEmail.objects.filter(pk=pk).values_list("to", flat=True).first()
        return Concern(address=to) if to is not None else None

    def bounced(self, concern: Concern, *, pk: int, reason: str) -> str:
        OutboxEmail.objects.filter(pk=pk).update(bounced_at=timezone.now(), bounce_reason=reason[:300])
        return "email marked not delivered"

    def complained(self, concern: Concern, *, pk: int) -> str:
        return "complaint about a single email: recorded"

    def admin_url(self, record: InboundMessage) -> str:
        from django.urls import reverse

        return reverse("admin:mail_outboxemail_change", args=[record.target_id]) if record.outbox_email_id else ""


target_handler_register(returnpath.OUTBOX, OutboxHandler())


def _raw_for_storage(raw: bytes, size: int) -> str:
    limit = int(settings.BOUNCE_RAW_STORE_BYTES)
    text = raw[:limit].decode("utf-8", "replace").replace("\x00", "\ufffd")
    if size > limit:
        text += f"\n\n[… truncated: the first {min(limit, len(raw))} of {size} bytes are stored]"
    return text


def _reason(report: Report) -> str:
    return " ".join(filter(None, [report.status, report.diagnostic]))[:300] or report.kind


def soft_bounces_recent(*, address: str, now=None) -> int:
    """Count the soft bounces recorded for ``address`` within the soft-bounce window."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.BOUNCE_SOFT_WINDOW_DAYS)
    return InboundMessage.objects.filter(kind=Kind.SOFT, address__iexact=address, received_at__gte=since).count()


def _apply(record: InboundMessage, report: Report, handler: TargetHandler, concern: Concern) -> str:
    pk = record.target_id
    if report.kind == bounces.HARD:
        return handler.bounced(concern, pk=pk, reason=_reason(report))
    if report.kind == bounces.SOFT:
        count = soft_bounces_recent(address=concern.address)  # this one included
        if count >= settings.BOUNCE_SOFT_LIMIT:
            reason = f"{count} soft bounces in {settings.BOUNCE_SOFT_WINDOW_DAYS} days; last: {_reason(report)}"
            return handler.bounced(concern, pk=pk, reason=reason)
        return f"soft bounce {count} of {settings.BOUNCE_SOFT_LIMIT}"
    if report.kind == bounces.COMPLAINT:
        return handler.complained(concern, pk=pk)
    return ""


def inbound_process(*, raw: bytes, size: int | None = None) -> tuple[InboundMessage, bool]:
    """Record one mailbox message once and apply the policy; return (record, whether it is new).

    ``size`` is the message's full size when only its start was fetched.
    """
    size = max(size or 0, len(raw))
    report = bounces.report_parse(raw)
    existing = InboundMessage.objects.filter(mailbox_key=report.key).first()
    if existing is not None:
        return existing, False
    record = InboundMessage(
        mailbox_key=report.key,
        kind=report.kind,
        status_code=report.status[:12],
        diagnostic=report.diagnostic[:2000],
        address=report.recipient[:254],
        subject=report.subject[:300],
        note=report.note[:300],
        raw=_raw_for_storage(raw, size),
        raw_size=min(size, 2**31 - 1),
    )
    handler = concern = None
    if report.token is not None:
        handler = target_handler(report.token.kind)
        concern = handler.resolve(report.token.pk) if handler else None
        if concern is None:
            record.note = "unknown token: the email or delivery it names no longer exists"
            if report.kind in (Kind.HARD, Kind.SOFT, Kind.COMPLAINT):
                record.kind = Kind.IGNORED
        else:
            record.target_kind, record.target_id = report.token.kind, report.token.pk
            record.address = concern.address[:254]  # the row's address, never one read from the text
            record.subscriber_id = concern.subscriber_id
            if report.token.kind == returnpath.OUTBOX:
                record.outbox_email_id = report.token.pk
    try:
        with transaction.atomic():
            record.save()
            if concern is not None and record.kind in (Kind.HARD, Kind.SOFT, Kind.COMPLAINT):
                record.effect = _apply(record, report, handler, concern)[:300]
                record.save(update_fields=["effect"])
    except IntegrityError:  # another reader recorded the same message a moment ago
        return InboundMessage.objects.get(mailbox_key=report.key), False
    logger.info(
        "Bounce mailbox: %s %s (%s) %s", record.kind, record.status_code, record.note or "-", record.effect or ""
    )
    return record, True


def inbound_raw_purge(*, now=None) -> int:
    """Remove the raw messages of records past the email-bodies retention period; return how many."""
    from swsdigital.privacy.retention import retention_cutoff

    cutoff = retention_cutoff("email_bodies", now=now)
    return (
        InboundMessage.objects.filter(received_at__lt=cutoff, raw_purged_at__isnull=True)
        .exclude(raw="")
        .update(raw="", raw_purged_at=timezone.now())
    )


def inbound_admin_url(record: InboundMessage) -> str:
    """The admin page of the row a record concerns (the email, or the newsletter subscriber), or ""."""
    handler = target_handler(record.target_kind) if record.target_kind else None
    return handler.admin_url(record) if handler else ""
