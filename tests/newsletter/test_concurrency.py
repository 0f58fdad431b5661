"""Batch claims by simultaneous workers, on PostgreSQL (SKIP LOCKED) and SQLite (IMMEDIATE transactions)."""

import pytest

from newsletter import services
from newsletter.models import Delivery
from newsletter.services.sending import deliveries_claim
from tests.harness import simultaneously


@pytest.mark.django_db(transaction=True)
def test_simultaneous_claims_take_every_delivery_exactly_once(subscribers, sending):
    services.mailing_deliveries_prepare(mailing_id=sending.pk)

    def worker():
        claimed = []
        while batch := deliveries_claim(mailing_id=sending.pk, size=3):
            claimed.extend(d.pk for d in batch)
        return claimed

    results = simultaneously([worker for _ in range(8)])
    assert not [r for r in results if isinstance(r, BaseException)]
    claimed = [pk for r in results for pk in r]
    assert sorted(claimed) == sorted(Delivery.objects.filter(mailing=sending).values_list("pk", flat=True))
    assert len(claimed) == 30 and len(set(claimed)) == 30
