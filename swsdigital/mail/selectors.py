"""Reads of the outbox other apps need: which emails to an address were not delivered."""

from collections.abc import Iterable

from django.db.models import Q

from .models import OutboxEmail


def emails_not_delivered(*, addresses: Iterable[str], limit: int = 20) -> list[OutboxEmail]:
    """Return the latest emails to any of ``addresses`` that a bounce reported as not delivered."""
    addresses = [a for a in {a.strip() for a in addresses if a} if a]
    if not addresses:
        return []
    match = Q()
    for address in addresses:
        match |= Q(to__iexact=address)
    return list(
        OutboxEmail.objects.filter(match, bounced_at__isnull=False)
        .only("pk", "to", "subject", "bounced_at", "bounce_reason")
        .order_by("-bounced_at")[:limit]
    )
