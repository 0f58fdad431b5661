"""Simultaneous applications through a real multi-threaded server, on SQLite and PostgreSQL (issue 12)."""

import pytest

from members.models import MembershipApplication
from tests.harness import Visitor, simultaneously
from tests.members.conftest import application_post

pytestmark = [pytest.mark.integration]


def test_20_simultaneous_applications_are_stored_and_mailed(
    live_server, celery_worker, smtp_sink, membership_type, settings
):
    settings.MEMBERS_JOIN_RATE_LIMIT = 1000  # twenty organisations behind one address: not the limit under test
    settings.FORM_MIN_FILL_SECONDS = 0

    def apply(i: int):
        visitor = Visitor(live_server.url)
        fields = visitor.form("/mitglied-werden/")
        data = application_post(
            membership_type, name=f"Firma {i} GmbH", email=f"firma{i}@example.org", first_name=f"Vorname{i}"
        )
        data.update(
            {k: v for k, v in fields.items() if k in ("csrfmiddlewaretoken", "form_started", "submission_token")}
        )
        return lambda: visitor.request("/mitglied-werden/", data)[0]

    statuses = simultaneously([apply(i) for i in range(20)])
    assert statuses == [302] * 20
    assert MembershipApplication.objects.count() == 20
    # One confirmation link each, sent by the worker while the other applications were still being written.
    for i in range(20):
        assert len(smtp_sink.wait_for(1, to=f"firma{i}@example.org", timeout=60)) == 1
