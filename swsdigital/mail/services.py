"""The one way out for every email: render, write an outbox row, hand it to Celery after commit.

A rolled-back change sends nothing (the row and the hand-over vanish with the
transaction); a committed one is never lost (a broker that is down at commit is
caught here and the periodic sweeper hands the row over later).
"""

import base64
import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboxEmail
from .returnpath import OUTBOX, Token, message_id, return_path

logger = logging.getLogger(__name__)

Status = OutboxEmail.Status


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


def _site_context() -> dict:
    from swsdigital.pages.selectors import site_profile_get

    return {"site": site_profile_get(), "site_url": settings.SITE_URL}


def email_render(*, template: str, context: dict | None = None, language: str | None = None) -> tuple[str, str, str]:
    """Return (subject, text, html) of ``templates/emails/<template>.*`` in the given language.

    The HTML part is optional; both parts extend the shared email layout.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    ctx = {**_site_context(), **(context or {}), "email_language": language}
    base = f"emails/{template}"
    with translation.override(language):
        subject = render_to_string(f"{base}.subject.txt", ctx)
        text = render_to_string(f"{base}.txt", ctx)
        try:
            html = render_to_string(f"{base}.html", ctx)
        except TemplateDoesNotExist:
            html = ""
    subject = " ".join(subject.split())
    return subject, text.strip() + "\n", html


def email_queue(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    template: str = "",
    language: str = "",
    attachments: list[Attachment] | tuple = (),
    headers: dict | None = None,
    reply_to: str = "",
    from_email: str = "",
) -> OutboxEmail:
    """Write an already rendered email to the outbox and hand it to Celery after commit."""
    email = OutboxEmail.objects.create(
        to=to,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        reply_to=reply_to,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        template=template,
        language=language,
        headers=headers or {},
        attachments=[
            {
                "filename": a.filename,
                "mimetype": a.mimetype,
                "content_b64": base64.b64encode(a.content).decode("ascii"),
            }
            for a in attachments
        ],
    )
    transaction.on_commit(lambda: email_enqueue(email_id=email.pk))
    return email


def email_send(
    *,
    to: str,
    template: str,
    context: dict | None = None,
    language: str | None = None,
    attachments: list[Attachment] | tuple = (),
    headers: dict | None = None,
    reply_to: str = "",
) -> OutboxEmail:
    """Render a templated email in the recipient's language and queue it in the caller's transaction."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    subject, text, html = email_render(template=template, context=context, language=language)
    return email_queue(
        to=to,
        subject=subject,
        text=text,
        html=html,
        template=template,
        language=language,
        attachments=attachments,
        headers=headers,
        reply_to=reply_to,
    )


def email_enqueue(*, email_id: int, countdown: int | None = None) -> bool:
    """Hand an outbox row to Celery; return False (and leave it to the sweeper) if the broker is down."""
    from .tasks import email_deliver_task

    try:
        email_deliver_task.apply_async((email_id,), countdown=countdown)
    except Exception as exc:  # broker unreachable: kombu/redis raise many kinds
        logger.warning("Outbox email %s not handed to the broker (%s); the sweeper will retry.", email_id, exc)
        # Mark the failed hand-over so that the next sweep takes the row at once (not after a grace period).
        OutboxEmail.objects.filter(
            pk=email_id, status=Status.PENDING, queued_at__isnull=True, next_attempt_at__isnull=True
        ).update(next_attempt_at=timezone.now())
        return False
    OutboxEmail.objects.filter(pk=email_id).update(queued_at=timezone.now())
    return True


def _is_temporary(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return True  # the server's configuration, not the message: retry
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return True  # connection refused, timeouts, disconnects: try again later


def smtp_error_is_temporary(exc: Exception) -> bool:
    """Return whether an SMTP error is worth a retry (4xx, connection trouble) rather than permanent (5xx)."""
    return _is_temporary(exc)


def _build_message(email: OutboxEmail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_email,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={**email.headers, "Message-ID": email.message_id},
        connection=connection,
    )
    # Bounces go to a return path naming this row (VERP); the From header stays the sender's.
    message.envelope_sender = return_path(Token(OUTBOX, email.pk))
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for item in email.attachments:
        message.attach(item["filename"], base64.b64decode(item["content_b64"]), item["mimetype"])
    return message


@dataclass(frozen=True)
class DeliveryResult:
    status: str
    retry_in: int | None = None


def email_deliver(*, email_id: int) -> DeliveryResult:
    """Send one outbox email if it is due and not claimed by another worker; record the outcome."""
    now = timezone.now()
    due = Q(status__in=[Status.PENDING, Status.RETRY]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=5))
    )
    stale = Q(status=Status.SENDING, locked_until__lt=now)  # a worker died mid-send
    claimed = (
        OutboxEmail.objects.filter(pk=email_id)
        .filter(due | stale)
        .update(status=Status.SENDING, locked_until=now + timedelta(minutes=10), attempts=F("attempts") + 1)
    )
    if not claimed:
        return DeliveryResult(status="skipped")
    email = OutboxEmail.objects.get(pk=email_id)
    if not email.message_id:
        # Stable per row (a retry repeats it) and signed, so a bounce quoting only headers finds the row.
        email.message_id = message_id(Token(OUTBOX, email.pk))
        email.save(update_fields=["message_id"])
    try:
        with get_connection(fail_silently=False) as connection:
            _build_message(email, connection).send()
    except Exception as exc:
        return _record_failure(email, exc)
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=Status.SENT, sent_at=timezone.now(), locked_until=None, last_error=""
    )
    return DeliveryResult(status=Status.SENT)


def _record_failure(email: OutboxEmail, exc: Exception) -> DeliveryResult:
    delays = settings.MAIL_RETRY_DELAYS
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if _is_temporary(exc) and email.attempts <= len(delays):
        delay = delays[email.attempts - 1]
        OutboxEmail.objects.filter(pk=email.pk).update(
            status=Status.RETRY,
            last_error=error,
            locked_until=None,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        )
        logger.info("Email %s failed temporarily (%s); retry in %ss.", email.pk, error, delay)
        return DeliveryResult(status=Status.RETRY, retry_in=delay)
    OutboxEmail.objects.filter(pk=email.pk).update(status=Status.FAILED, last_error=error, locked_until=None)
    logger.warning("Email %s failed permanently: %s", email.pk, error)
    return DeliveryResult(status=Status.FAILED)


def outbox_sweep(*, limit: int = 500) -> int:
    """Hand over again what was committed but never queued, lost in the broker, or left by a dead worker."""
    now = timezone.now()
    never_queued = Q(status=Status.PENDING, queued_at__isnull=True, created_at__lt=now - timedelta(seconds=30))
    handover_failed = Q(status=Status.PENDING, queued_at__isnull=True, next_attempt_at__lte=now)
    lost_in_queue = Q(status=Status.PENDING, queued_at__lt=now - timedelta(minutes=15))
    retry_lost = Q(status=Status.RETRY, next_attempt_at__lt=now - timedelta(seconds=60))
    worker_died = Q(status=Status.SENDING, locked_until__lt=now)
    ids = list(
        OutboxEmail.objects.filter(never_queued | handover_failed | lost_in_queue | retry_lost | worker_died)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    handed = 0
    for email_id in ids:
        if not email_enqueue(email_id=email_id):
            break  # the broker is still down; the next sweep tries again
        handed += 1
    return handed


def email_resend(*, email: OutboxEmail) -> OutboxEmail:
    """Queue a copy of a logged email (staff's "resend" action)."""
    return email_queue(
        to=email.to,
        subject=email.subject,
        text=email.body_text,
        html=email.body_html,
        template=email.template,
        language=email.language,
        headers={k: v for k, v in email.headers.items() if k.lower() != "message-id"},
        reply_to=email.reply_to,
        from_email=email.from_email,
        attachments=[
            Attachment(a["filename"], base64.b64decode(a["content_b64"]), a["mimetype"]) for a in email.attachments
        ],
    )


# What stays of an email once its content is past retention: recipient, subject, status, times and errors.
_CONTENT_PURGED = {"body_text": "", "body_html": "", "attachments": [], "headers": {}}


def outbox_bodies_purge(*, now=None) -> int:
    """Remove the text, HTML, attachments and headers of sent or failed emails past retention; return how many.

    The row stays (recipient, subject, status, times), so the email log still shows that it was sent.
    """
    from swsdigital.privacy.retention import retention_cutoff

    cutoff = retention_cutoff("email_bodies", now=now)
    has_content = ~Q(body_text="") | ~Q(body_html="") | ~Q(attachments=[]) | ~Q(headers={})
    due = OutboxEmail.objects.filter(has_content, status__in=[Status.SENT, Status.FAILED], created_at__lt=cutoff)
    count = due.update(**_CONTENT_PURGED)
    if count:
        logger.info("Removed the content of %d email(s) written before %s.", count, cutoff.isoformat())
    return count


def email_content_purged(email: OutboxEmail) -> bool:
    """Return whether an email's content was removed by retention (it can no longer be sent again)."""
    return not email.body_text and not email.body_html and not email.attachments
