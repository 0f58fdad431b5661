"""Capacity under concurrent registrations, on PostgreSQL (row locks) and SQLite (IMMEDIATE transactions):
never oversold, no errors."""

import threading

import pytest
from django.db import close_old_connections, connection

from events import services
from events.models import Registration


def _free_connections() -> int:
    if connection.vendor != "postgresql":
        return 200  # SQLite: connections are files opened by each thread; writers queue for the lock
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")
        free = cursor.fetchone()[0]
    return max(5, min(200, free - 30))


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_registrations_for_50_places(make_event):
    event = make_event(capacity=50)
    barrier = threading.Barrier(200)
    # 200 threads start together; the server's max_connections (shared with other test runs)
    # caps how many hold a connection at the same moment, the rest queue for a slot.
    slots = threading.BoundedSemaphore(_free_connections())
    errors: list[BaseException] = []

    def register(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            with slots:
                try:
                    services.registration_create(event=event, name=f"Person {i}", email=f"p{i}@example.org")
                finally:
                    connection.close()
        except BaseException as exc:  # collect everything: no error of any kind is allowed
            errors.append(exc)

    threads = [threading.Thread(target=register, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    close_old_connections()
    assert errors == []
    statuses = list(event.registrations.values_list("status", flat=True))
    assert statuses.count(Registration.Status.CONFIRMED) == 50
    assert statuses.count(Registration.Status.WAITING) == 150
    first_waiting = event.registrations.filter(status=Registration.Status.WAITING).order_by("created_at", "pk").first()
    services.registration_cancel(registration=event.registrations.filter(status=Registration.Status.CONFIRMED).first())
    assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 50
    assert event.registrations.filter(status=Registration.Status.WAITING).count() == 149
    first_waiting.refresh_from_db()
    assert first_waiting.status == Registration.Status.CONFIRMED
