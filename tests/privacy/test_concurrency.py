"""An erasure racing a registration, on SQLite (IMMEDIATE transactions) and PostgreSQL (row locks): no error,
and the outcome is one of the two orders — never half of each."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events import services as events_services
from events.models import Event, Registration
from swsdigital.privacy.models import ErasureRecord
from swsdigital.privacy.services import person_erase
from tests.harness import simultaneously

EMAIL = "renate.rennen@example.org"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_erasure_racing_a_registration(round_):
    start = timezone.now() + timedelta(days=3)
    event = Event.objects.create(
        title="Wettlauf", slug=f"wettlauf-{round_}", start=start, end=start + timedelta(hours=1),
        status=Event.Status.PUBLISHED, capacity=5,
    )  # fmt: skip
    events_services.registration_create(event=event, name="Renate Rennen", email=EMAIL)

    def register():
        return events_services.registration_create(event=event, name="Renate Rennen", email=EMAIL)[1]

    results = simultaneously([lambda: person_erase(email=EMAIL), register])
    assert not [r for r in results if isinstance(r, BaseException)], results
    record = ErasureRecord.objects.get()
    anonymised = next((h["count"] for h in record.holdings if h["kind"] == "events.registration"), 0)
    still_there = Registration.objects.filter(email=EMAIL).count()
    if results[1]:  # the second registration was created: before the erasure (both gone) or after it (it stays)
        assert (anonymised, still_there) in {(2, 0), (1, 1)}
    else:  # the registration found the first one still active (before the erasure): nothing new
        assert (anonymised, still_there) == (1, 0)
    assert Registration.objects.filter(event=event).count() == 1 + int(bool(results[1]))
