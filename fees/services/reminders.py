"""Chasing open invoices: a payment reminder, then the first and second dunning letter, on a schedule.

Days counted from the due date (``FEES_REMINDER_DAYS``, default 14, 28 and 42). Nothing is sent for an
invoice that is paid or cancelled, for a member who has resigned (the office settles that in person), or for
a direct debit still on its way (in a file and not returned). Each level goes out once, in order.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from fees.models import DebitEntry, Invoice, Payment, Reminder
from swsdigital.mail.services import email_send

logger = logging.getLogger(__name__)


def reminder_days() -> list[int]:
    return list(settings.FEES_REMINDER_DAYS)


def _due(today: datetime.date):
    """Open invoices that could be reminded at all today."""
    returned = Payment.objects.filter(invoice=OuterRef("pk"), kind=Payment.Kind.RETURN)
    in_file = DebitEntry.objects.filter(invoice=OuterRef("pk"))
    return (
        Invoice.objects.filter(kind=Invoice.Kind.INVOICE, status=Invoice.Status.OPEN, due_date__lt=today)
        .exclude(recipient_email="")
        .exclude(member__resignation_requested_at__isnull=False)
        .annotate(returned=Exists(returned), in_file=Exists(in_file))
        .filter(Q(method=Invoice.Method.TRANSFER) | Q(returned=True) | Q(in_file=False))
    )


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Send every reminder that is due today; return how many were sent."""
    today = today or timezone.localdate()
    days = reminder_days()
    sent = 0
    for invoice in _due(today).prefetch_related("reminders").order_by("pk").iterator(chunk_size=500):
        done = {r.level for r in invoice.reminders.all()}
        level = len(done) + 1
        if level > len(days) or done != set(range(1, level)):
            continue
        if invoice.due_date + datetime.timedelta(days=days[level - 1]) > today:
            continue
        if level > 1:  # started late: the levels keep their distance, never two letters in a row
            previous = max(r.sent_at for r in invoice.reminders.all())
            if timezone.localdate(previous) + datetime.timedelta(days=days[level - 1] - days[level - 2]) > today:
                continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(invoice=invoice, level=level)
                email = email_send(
                    to=invoice.recipient_email,
                    template="fees/reminder",
                    context={"invoice": invoice, "level": level, "days": days},
                    language=invoice.language,
                )
                reminder.email_id = email.pk
                reminder.save(update_fields=["email_id"])
        except IntegrityError:
            continue  # a parallel run sent this level
        sent += 1
    logger.info("fees reminders: %d sent", sent)
    return sent
