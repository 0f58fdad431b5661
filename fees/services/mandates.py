"""SEPA mandates that expire: a mandate not used for a collection for 36 months lapses (SEPA rulebook).

Its last use is the latest collection date of a debit file holding it, or the day it was given. A lapsed
mandate ends through the members app (the member then pays by transfer until it gives a new one), and the
main contact is told.
"""

from __future__ import annotations

import datetime
import logging

from django.db.models import Max
from django.utils import timezone

from fees.models import DebitEntry
from members import selectors as members_selectors
from members import services as members_services
from swsdigital.mail.services import email_send

logger = logging.getLogger(__name__)
MONTHS = 36


def _months_before(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, 28))


def mandates_expire(*, today: datetime.date | None = None) -> int:
    """End the mandates unused for 36 months; return how many ended."""
    today = today or timezone.localdate()
    limit = _months_before(today, MONTHS)
    last_use = dict(
        DebitEntry.objects.values("mandate_reference")
        .annotate(last=Max("file__collection_date"))
        .values_list("mandate_reference", "last")
    )
    ended = 0
    for member in members_selectors.members_with_mandate():
        used = last_use.get(member.sepa_mandate_reference) or member.sepa_mandate_signed_on
        if used is None or used >= limit:
            continue
        reference = member.sepa_mandate_reference
        if members_services.member_mandate_end(member_id=member.pk, reason="expired"):
            ended += 1
            contact = member.main_contacts[0] if member.main_contacts else None
            if contact is not None:
                language = getattr(contact.user, "language", "") or "de"
                email_send(
                    to=contact.email,
                    template="fees/mandate_expired",
                    context={"member": member, "reference": reference, "last_use": used},
                    language=language,
                )
    logger.info("fees mandates: %d expired", ended)
    return ended
