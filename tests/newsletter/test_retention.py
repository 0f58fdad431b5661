"""The newsletter's retention rule: sign-ups never confirmed are deleted after the period."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from newsletter import services
from newsletter.models import Subscriber
from swsdigital.privacy.models import Consent
from swsdigital.privacy.retention import retention_apply

pytestmark = pytest.mark.django_db


def test_unconfirmed_sign_ups_are_deleted_after_the_period_to_the_second(make_subscriber, settings, caplog):
    settings.RETENTION = {**settings.RETENTION, "newsletter_unconfirmed": 10}
    now = timezone.now()
    cutoff = now - timedelta(days=10)

    def signed_up(email, at):
        subscriber = services.subscriber_subscribe(email=email, language="de", source="test")
        Subscriber.objects.filter(pk=subscriber.pk).update(created_at=at)
        return subscriber

    signed_up("due@example.org", cutoff - timedelta(seconds=1))
    signed_up("cutoff@example.org", cutoff)
    signed_up("fresh@example.org", cutoff + timedelta(seconds=1))
    confirmed = make_subscriber("confirmed@example.org")
    Subscriber.objects.filter(pk=confirmed.pk).update(created_at=cutoff - timedelta(days=100))
    with caplog.at_level(logging.INFO):
        assert retention_apply(period="newsletter_unconfirmed", now=now) == {"newsletter.unconfirmed": 1}
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "cutoff@example.org",
        "fresh@example.org",
        "confirmed@example.org",
    }
    assert not Consent.objects.filter(email="due@example.org").exists()
    assert "Deleted 1 unconfirmed newsletter sign-up(s)" in caplog.text
    assert retention_apply(period="newsletter_unconfirmed", now=now) == {"newsletter.unconfirmed": 0}
