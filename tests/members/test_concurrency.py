"""Membership numbers stay unique and gap-free when staff approve at the same time (PostgreSQL and SQLite)."""

import threading

import pytest
from django.db import connection

from members import services
from members.models import Member, MembershipApplication, MembershipNumberCounter


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_get_distinct_sequential_numbers(make_application):
    applications = [make_application(name=f"Firma {i}", email=f"f{i}@example.org") for i in range(8)]
    MembershipNumberCounter.objects.create(key="member", last_number=0)  # as after the first admission
    barrier = threading.Barrier(len(applications))
    errors: list[BaseException] = []

    def approve(application: MembershipApplication) -> None:
        try:
            barrier.wait(timeout=10)
            services.membership_application_approve(application=application)
        except BaseException as exc:  # report in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(a,)) for a in applications]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(Member.objects.values_list("number", flat=True)) == list(range(1, 9))


@pytest.mark.django_db(transaction=True)
def test_concurrent_approval_of_the_same_application_admits_once(make_application):
    application = make_application()
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def approve() -> None:
        try:
            barrier.wait(timeout=10)
            services.membership_application_approve(application=application)
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["ValidationError"] * 3 + ["ok"]
    assert Member.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_once_stores_one_application(membership_type):
    from swsdigital.mail.models import OutboxEmail
    from tests.members.conftest import application_data

    barrier = threading.Barrier(4)
    results: list[int] = []

    def submit() -> None:
        try:
            barrier.wait(timeout=10)
            application = services.membership_application_create(
                data=application_data(membership_type), submission_token="same-token"
            )
            results.append(application.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 4 and len(set(results)) == 1
    assert MembershipApplication.objects.count() == 1
    assert OutboxEmail.objects.filter(template="members/application_confirm").count() == 1
