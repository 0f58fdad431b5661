"""Newsletter wishes from membership applications: the normal double opt-in, once per address."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from newsletter import services, tasks
from newsletter.models import MembershipOptin, Subscriber
from swsdigital.mail.models import OutboxEmail
from swsdigital.privacy.models import Consent
from tests.members.factories import application_submit, member_admitted

pytestmark = pytest.mark.django_db


def _confirm_mails(email: str):
    return OutboxEmail.objects.filter(to=email, template="newsletter/confirm")


def test_applicant_with_the_box_ticked_gets_the_double_opt_in_once(client):
    application_submit(email="Lena.Vogt@example.org", newsletter=True, language="en")
    assert services.subscribers_invite_from_applications() == 1
    subscriber = Subscriber.objects.get(email="lena.vogt@example.org")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.source == "membership application" and subscriber.language == "en"
    consent = subscriber.consent
    assert consent.source == "membership application" and consent.text.key == "newsletter"
    assert consent.confirmed_at is None and consent.subject_ref == f"newsletter:{subscriber.pk}"
    [mail] = _confirm_mails("lena.vogt@example.org")
    assert mail.language == "en"
    # The emailed link confirms the subscription like any other.
    [url] = [w for w in mail.body_text.split() if "/en/newsletter/" in w]
    response = client.post(url.replace(settings.SITE_URL, ""))
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert Consent.objects.get(pk=consent.pk).confirmed_at is not None
    # Idempotent: later runs, with or without a time bound, send nothing again.
    assert services.subscribers_invite_from_applications() == 0
    assert services.subscribers_invite_from_applications(since=timezone.now() - timedelta(days=365)) == 0
    assert _confirm_mails("lena.vogt@example.org").count() == 1


def test_only_confirmed_applications_with_the_box_ticked_count():
    application_submit(email="ohne@example.org", newsletter=False)
    application_submit(email="unbestaetigt@example.org", newsletter=True, confirmed=False)
    member_admitted(email="mitglied@example.org", newsletter=True)  # admitted since: still once
    assert services.subscribers_invite_from_applications() == 1
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["mitglied@example.org"]
    assert not _confirm_mails("ohne@example.org").exists()
    assert not _confirm_mails("unbestaetigt@example.org").exists()


@pytest.mark.parametrize(
    "status", [Subscriber.Status.CONFIRMED, Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.PENDING]
)
def test_addresses_already_on_the_list_get_no_mail(make_subscriber, status):
    subscriber = make_subscriber("bekannt@example.org", status=status)
    application_submit(email="bekannt@example.org", newsletter=True)
    assert services.subscribers_invite_from_applications() == 0
    assert not OutboxEmail.objects.filter(to="bekannt@example.org", template__startswith="newsletter/").exists()
    subscriber.refresh_from_db()
    assert subscriber.status == status and subscriber.source == "test"
    assert MembershipOptin.objects.get(email="bekannt@example.org").outcome == MembershipOptin.Outcome.KNOWN


def test_no_second_invitation_after_the_unconfirmed_request_was_deleted():
    application_submit(email="zoegerlich@example.org", newsletter=True)
    assert services.subscribers_invite_from_applications() == 1
    Subscriber.objects.filter(email="zoegerlich@example.org").update(created_at=timezone.now() - timedelta(days=31))
    assert services.subscribers_unconfirmed_delete() == 1
    assert services.subscribers_invite_from_applications(since=timezone.now() - timedelta(days=365)) == 0
    assert not Subscriber.objects.exists()
    assert _confirm_mails("zoegerlich@example.org").count() == 1


def test_the_periodic_task_is_scheduled_and_invites(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["newsletter-membership-optins"]
    assert entry["task"] == tasks.subscribers_invite_from_applications_task.name
    application_submit(email="beat@example.org", newsletter=True)
    assert tasks.subscribers_invite_from_applications_task.apply().get() == 1
    assert tasks.subscribers_invite_from_applications_task.apply().get() == 0
