"""Simultaneous visitors through a real multi-threaded server, on SQLite and PostgreSQL (issue 12):
never oversold, the waiting list moves up once per freed place, no server error, one mail each."""

import pytest
from django.urls import reverse

from events.models import Registration
from tests.harness import Visitor, simultaneously

pytestmark = [pytest.mark.integration]


@pytest.fixture
def open_forms(settings):
    """Twenty people from one office network: the per-IP limit and the fill time are not under test here."""
    settings.EVENTS_REGISTRATION_RATE = 1000
    settings.FORM_MIN_FILL_SECONDS = 0


def _register(live_server, event, i: int):
    visitor = Visitor(live_server.url)
    fields = visitor.form(event.get_absolute_url())  # each loads the form normally first

    def submit():
        data = {**fields, "name": f"Person {i}", "email": f"person{i}@example.org", "organisation": "", "places": "1"}
        data["consent"] = "on"
        return visitor.request(event.get_absolute_url(), data)[0]

    return submit


def test_20_simultaneous_registrations_for_5_places(live_server, celery_worker, smtp_sink, make_event, open_forms):
    event = make_event(capacity=5)
    statuses = simultaneously([_register(live_server, event, i) for i in range(20)])
    assert statuses == [302] * 20  # every visitor is answered with the confirmation or waiting-list page
    registrations = list(event.registrations.values_list("status", flat=True))
    assert registrations.count(Registration.Status.CONFIRMED) == 5
    assert registrations.count(Registration.Status.WAITING) == 15
    # Confirmation and waiting-list mails, sent by the worker while the requests still came in.
    messages = smtp_sink.wait_for(20, timeout=60)
    assert sorted(str(m["To"]) for m in messages) == sorted(f"person{i}@example.org" for i in range(20))


def test_simultaneous_cancellations_move_up_the_waiting_list_once_per_place(
    live_server, celery_worker, smtp_sink, make_event, register
):
    event = make_event(capacity=5)
    confirmed = [register(event, f"fest{i}@example.org") for i in range(5)]
    waiting = [register(event, f"warte{i}@example.org") for i in range(10)]
    assert {r.status for r in waiting} == {Registration.Status.WAITING}
    smtp_sink.wait_for(15, timeout=60)  # the confirmations and waiting-list notices of the set-up
    smtp_sink.reset()

    def cancel(registration):
        visitor = Visitor(live_server.url)
        url = reverse("events:registration_cancel", args=[registration.token])
        fields = visitor.form(url)  # the page that asks "Wirklich stornieren?"; its button is pressed at once
        return lambda: visitor.request(url, fields)[0]

    # Four participants cancel at the same moment, one of them twice (a double click).
    cancellations = [cancel(r) for r in confirmed[:4]] + [cancel(confirmed[0])]
    assert simultaneously(cancellations) == [302] * 5
    statuses = dict(event.registrations.values_list("email", "status"))
    assert sum(s == Registration.Status.CONFIRMED for s in statuses.values()) == 5
    assert [statuses[f"warte{i}@example.org"] for i in range(10)] == ["confirmed"] * 4 + ["waiting"] * 6
    # One cancellation mail per cancelled place (the double click sends none) and one "you have a place" each.
    mails = sorted(str(m["To"]) for m in smtp_sink.wait_for(8, timeout=60))
    assert mails == [f"fest{i}@example.org" for i in range(4)] + [f"warte{i}@example.org" for i in range(4)]
