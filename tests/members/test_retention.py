"""The members app's retention rules: unconfirmed applications, applications' IP addresses, former members' contacts."""

import datetime
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from members import services
from members.models import Contact, Member, MembershipApplication
from swsdigital.privacy.models import Consent
from swsdigital.privacy.retention import retention_apply
from swsdigital.privacy.services import consent_record, consent_withdraw

pytestmark = pytest.mark.django_db


def _received(application, at):
    MembershipApplication.objects.filter(pk=application.pk).update(created_at=at)


def test_unconfirmed_applications_are_deleted_after_the_period_to_the_second(make_application, settings, caplog):
    settings.RETENTION = {**settings.RETENTION, "applications_unconfirmed": 14}
    now = timezone.now()
    cutoff = now - timedelta(days=14)
    due = make_application(confirmed=False, email="due@example.org")
    at_cutoff = make_application(confirmed=False, email="cutoff@example.org")
    fresh = make_application(confirmed=False, email="fresh@example.org")
    confirmed = make_application(email="confirmed@example.org")
    _received(due, cutoff - timedelta(seconds=1))
    _received(at_cutoff, cutoff)
    _received(fresh, cutoff + timedelta(seconds=1))
    _received(confirmed, cutoff - timedelta(days=100))
    with caplog.at_level(logging.INFO):
        assert retention_apply(period="applications_unconfirmed", now=now) == {"members.applications_unconfirmed": 1}
    assert set(MembershipApplication.objects.values_list("email", flat=True)) == {
        "cutoff@example.org",
        "fresh@example.org",
        "confirmed@example.org",
    }
    assert "Deleted 1 unconfirmed application(s)" in caplog.text
    assert retention_apply(period="applications_unconfirmed", now=now) == {"members.applications_unconfirmed": 0}


def test_application_ips_are_shortened_after_the_period(membership_type, settings):
    from tests.members.conftest import application_data

    now = timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION["ip_addresses"])

    def apply(email, ip, at):
        application = services.membership_application_create(
            data=application_data(membership_type, email=email), submission_token=email, ip=ip
        )
        _received(application, at)
        return application

    v4 = apply("v4@example.org", "203.0.113.200", cutoff - timedelta(seconds=1))
    v6 = apply("v6@example.org", "2a02:8106:21:f00:a1b2:c3d4:e5f6:1", cutoff - timedelta(days=3))
    fresh = apply("fresh@example.org", "203.0.113.201", cutoff + timedelta(seconds=1))
    none = apply("none@example.org", None, cutoff - timedelta(days=3))
    result = retention_apply(period="ip_addresses", now=now)
    assert result["members.application_ips"] == 2
    shortened = dict(MembershipApplication.objects.values_list("email", "submitted_ip"))
    assert shortened == {
        v4.email: "203.0.113.0",
        v6.email: "2a02:8106:21::",
        fresh.email: "203.0.113.201",
        none.email: None,
    }
    # Its consents were recorded just now (only the application was backdated): they keep the address for now.
    assert set(Consent.objects.filter(email=v4.email).values_list("given_ip", flat=True)) == {"203.0.113.200"}
    assert retention_apply(period="ip_addresses", now=now)["members.application_ips"] == 0


# --- Contacts of former members -----------------------------------------------------------------------------


@pytest.fixture
def former_member(make_application):
    """Return a factory of members admitted through the services, whose membership then ended on ``ended_on``."""

    def make(email: str, *, ended_on: datetime.date | None, further: tuple[str, ...] = ()) -> Member:
        application = make_application(
            email=email,
            name=f"Firma {email}",
            phone="0371 123",
            further_contacts=[{"first_name": "F", "last_name": e, "email": e} for e in further],
        )
        member = services.membership_application_approve(application=application)
        Member.objects.filter(pk=member.pk).update(status=Member.Status.ENDED, resignation_effective_on=ended_on)
        member.refresh_from_db()
        return member

    return make


def _newsletter_consent(email: str, *, confirmed: bool = True) -> Consent:
    return consent_record(
        key="newsletter", email=email, source="newsletter", subject_ref=f"newsletter:{email}", confirmed=confirmed
    )


def test_contacts_are_deleted_three_years_after_the_membership_ended_to_the_day(former_member, caplog):
    now = timezone.now()
    last_kept_day = timezone.localdate(now - timedelta(days=3 * 365))
    due = former_member(
        "due@example.org", ended_on=last_kept_day - timedelta(days=1), further=("kollegin@example.org",)
    )
    kept = former_member("kept@example.org", ended_on=last_kept_day)
    active = former_member("active@example.org", ended_on=None)
    Member.objects.filter(pk=active.pk).update(status=Member.Status.ACTIVE)
    assert due.contacts.count() == 2

    with caplog.at_level(logging.INFO, logger="members.services.members"):
        result = retention_apply(period="contacts_ended", now=now)
    assert result == {"members.ended_contacts": 3}  # two contacts, one application
    assert not due.contacts.exists()
    assert kept.contacts.count() == 1 and active.contacts.count() == 1
    application = MembershipApplication.objects.get(member=due)
    assert (application.first_name, application.last_name, application.email, application.phone) == ("", "", "", "")
    assert application.further_contacts == [] and application.submitted_ip is None
    assert application.name == "Firma due@example.org"  # the organisation's record stays
    assert Member.objects.filter(pk=due.pk).exists()
    assert MembershipApplication.objects.get(member=kept).email == "kept@example.org"
    assert "Deleted 2 contact(s) of memberships ended before" in caplog.text
    assert "Retention rule members.ended_contacts: 3 record(s)" in caplog.text

    # Idempotent; and the next day the second member's contacts are due as well.
    assert retention_apply(period="contacts_ended", now=now) == {"members.ended_contacts": 0}
    assert retention_apply(period="contacts_ended", now=now + timedelta(days=1)) == {"members.ended_contacts": 2}
    assert not kept.contacts.exists() and active.contacts.count() == 1


def test_a_contact_with_an_active_consent_to_further_contact_is_kept(former_member):
    long_ago = timezone.localdate() - timedelta(days=4 * 365)
    member = former_member(
        "main@example.org",
        ended_on=long_ago,
        further=("subscribed@example.org", "withdrawn@example.org", "unconfirmed@example.org"),
    )
    _newsletter_consent("Main@Example.org")
    _newsletter_consent("subscribed@example.org")
    _newsletter_consent("withdrawn@example.org")
    consent_withdraw(key="newsletter", email="withdrawn@example.org")
    _newsletter_consent("unconfirmed@example.org", confirmed=False)
    consent_record(key="directory", email="unconfirmed@example.org", source="x", confirmed=True)  # another key

    assert services.members_ended_contacts_purge() == 3  # two contacts, one application's further contacts
    assert set(member.contacts.values_list("email", flat=True)) == {"main@example.org", "subscribed@example.org"}
    application = MembershipApplication.objects.get(member=member)
    assert application.email == "main@example.org"  # the applicant is kept with their contact record
    assert [c["email"] for c in application.further_contacts] == ["subscribed@example.org"]
    assert services.members_ended_contacts_purge() == 0

    # Unsubscribing later ends the exception at the next run.
    consent_withdraw(key="newsletter", email="subscribed@example.org")
    assert services.members_ended_contacts_purge() == 2  # the contact, and the application's further contacts
    assert list(member.contacts.values_list("email", flat=True)) == ["main@example.org"]


def test_the_applications_own_newsletter_tick_does_not_keep_a_contact(former_member, make_application):
    member = former_member("ticked@example.org", ended_on=timezone.localdate() - timedelta(days=4 * 365))
    # The application recorded (and its confirmation confirmed) a newsletter consent of its own.
    consent_record(
        key="newsletter",
        email="ticked@example.org",
        source="membership application",
        subject_ref=f"membership-application:{member.application.pk}",
        confirmed=True,
    )
    assert services.members_ended_contacts_purge() == 2
    assert not member.contacts.exists()


def test_a_membership_ended_without_a_date_counts_from_its_last_change(former_member):
    member = former_member("undated@example.org", ended_on=None)
    assert services.members_ended_contacts_purge() == 0
    Member.objects.filter(pk=member.pk).update(updated_at=timezone.now() - timedelta(days=3 * 365, seconds=1))
    assert services.members_ended_contacts_purge() == 2
    assert not Contact.objects.filter(member=member).exists()
