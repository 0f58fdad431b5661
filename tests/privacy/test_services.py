"""Consent records: backdated consents and the retention clean-up other apps call."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from swsdigital.privacy.models import Consent
from swsdigital.privacy.services import consent_confirm, consent_record, consents_delete_unconfirmed

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _record(email: str, *, key: str = "newsletter", ref: str = "newsletter:1", days_ago: int = 0, **kwargs):
    consent = consent_record(key=key, email=email, source=kwargs.pop("source", "form"), subject_ref=ref, **kwargs)
    if days_ago:
        Consent.objects.filter(pk=consent.pk).update(given_at=timezone.now() - timedelta(days=days_ago))
    return consent


def test_consent_record_keeps_a_backdated_time_as_given_and_confirmed():
    when = datetime(2024, 3, 5, 14, 30, 12, 999, tzinfo=BERLIN)
    consent = consent_record(
        key="newsletter", email=" Alt@Example.org ", source="import", given_at=when, confirmed=True
    )
    consent.refresh_from_db()
    assert consent.email == "alt@example.org"
    assert consent.given_at == consent.confirmed_at == when.replace(microsecond=0)
    assert consent.text.key == "newsletter" and consent.text.version == 1


def test_consent_record_backdated_but_unconfirmed_and_naive_times():
    consent = consent_record(key="privacy", email="a@example.org", source="import", given_at=datetime(2023, 1, 2, 9))
    assert consent.confirmed_at is None
    assert consent.given_at == timezone.make_aware(datetime(2023, 1, 2, 9))


def test_consent_record_refuses_a_time_in_the_future():
    with pytest.raises(ValueError):
        consent_record(key="newsletter", email="a@example.org", source="x", given_at=timezone.now() + timedelta(days=1))
    assert not Consent.objects.exists()


def test_consent_record_without_given_at_is_now():
    before = timezone.now().replace(microsecond=0)
    consent = consent_record(key="newsletter", email="a@example.org", source="x", confirmed=True)
    assert before <= consent.given_at == consent.confirmed_at <= timezone.now()


def test_delete_unconfirmed_by_age_prefix_and_source():
    stale = _record("stale@example.org", ref="newsletter:1", days_ago=40)
    fresh = _record("fresh@example.org", ref="newsletter:2", days_ago=2)
    confirmed = _record("ok@example.org", ref="newsletter:3", days_ago=40)
    consent_confirm(consent=confirmed)
    other_key = _record("priv@example.org", key="privacy", ref="newsletter:4", days_ago=40)
    other_ref = _record("antrag@example.org", ref="membership-application:7", days_ago=40)
    other_source = _record("messe@example.org", ref="newsletter:5", days_ago=40, source="Messe")
    cutoff = timezone.now() - timedelta(days=30)
    assert consents_delete_unconfirmed(key="newsletter", older_than=cutoff, subject_ref_prefix="newsletter:",
                                       source="form") == 1  # fmt: skip
    remaining = set(Consent.objects.values_list("pk", flat=True))
    assert stale.pk not in remaining
    assert {fresh.pk, confirmed.pk, other_key.pk, other_ref.pk, other_source.pk} <= remaining
    assert consents_delete_unconfirmed(key="newsletter", older_than=cutoff) == 2  # other_ref, other_source
    assert set(Consent.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk, other_key.pk}


def test_delete_unconfirmed_by_subject_refs_whatever_the_age():
    a = _record("a@example.org", ref="newsletter:1")
    b = _record("b@example.org", ref="newsletter:2")
    assert consents_delete_unconfirmed(key="newsletter", subject_refs=["newsletter:1"]) == 1
    assert consents_delete_unconfirmed(key="newsletter", subject_refs=[]) == 0
    assert list(Consent.objects.values_list("pk", flat=True)) == [b.pk]
    assert not Consent.objects.filter(pk=a.pk).exists()


def test_delete_unconfirmed_needs_a_limit():
    _record("a@example.org")
    with pytest.raises(ValueError):
        consents_delete_unconfirmed(key="newsletter")
    assert Consent.objects.count() == 1
