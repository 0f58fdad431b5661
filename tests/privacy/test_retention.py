"""Retention in one place: the schedule in settings, the registry of rules, the daily runs and the privacy notice."""

import logging
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from swsdigital.pages import demo
from swsdigital.privacy import retention
from swsdigital.privacy.models import Consent
from swsdigital.privacy.services import consent_record
from swsdigital.privacy.tasks import retention_apply_task
from tests.core.test_settings import _run, _setup

# --- The schedule in settings ------------------------------------------------------------------------

ENV_NAMES = {
    "applications_unconfirmed": "MEMBERS_UNCONFIRMED_RETENTION_DAYS",
    "newsletter_unconfirmed": "NEWSLETTER_UNCONFIRMED_DAYS",
    "event_participants": "EVENTS_ANONYMISE_AFTER_DAYS",
    "email_bodies": "RETENTION_EMAIL_BODY_DAYS",
    "ip_addresses": "RETENTION_IP_ADDRESS_DAYS",
    "contacts_ended": "RETENTION_ENDED_MEMBER_CONTACT_DAYS",
    "audit_entries": "RETENTION_AUDIT_DAYS",
}
DEFAULTS = {
    "applications_unconfirmed": 30,
    "newsletter_unconfirmed": 30,
    "event_participants": 90,
    "email_bodies": 90,
    "ip_addresses": 30,
    "contacts_ended": 1095,
    "audit_entries": 1095,
}


def test_every_period_has_a_rule_and_a_daily_beat_entry():
    assert list(settings.RETENTION) == list(ENV_NAMES)
    for period in settings.RETENTION:
        assert retention.rules(period=period), f"no rule registered for {period}"
        entry = settings.CELERY_BEAT_SCHEDULE[f"retention-{period}"]
        assert entry == {
            "task": "swsdigital.privacy.tasks.retention_apply_task",
            "args": (period,),
            "schedule": 24 * 3600.0,
        }
    assert {rule.period for rule in retention.rules()} <= set(settings.RETENTION)
    # The rules no longer run twice through the apps' own beat entries.
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    for old in ("applications_unconfirmed_purge_task", "registrations_anonymise_task", "unconfirmed_delete_task"):
        assert not any(task.endswith(old) for task in tasks)


def test_defaults_and_the_old_variable_names_still_set_the_periods(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.RETENTION)"
    result = _run(["-c", code], tmp_path)
    assert result.returncode == 0, result.stderr
    assert eval(result.stdout) == DEFAULTS  # noqa: S307 - our own process's repr of a dict of ints
    env = {name: str(40 + i) for i, name in enumerate(ENV_NAMES.values())}
    result = _run(["-c", code], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    assert eval(result.stdout) == {period: 40 + i for i, period in enumerate(ENV_NAMES)}  # noqa: S307


@pytest.mark.parametrize("value", ["dreißig", "-5", "0", "2.5", ""])
@pytest.mark.parametrize("name", ["RETENTION_IP_ADDRESS_DAYS", "EVENTS_ANONYMISE_AFTER_DAYS"])
def test_a_period_that_is_not_a_positive_whole_number_stops_the_start(tmp_path, name, value):
    result = _setup(tmp_path, **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name} must be a whole number of days, at least 1" in result.stderr


def test_unconfirmed_requests_are_kept_at_least_as_long_as_their_links_work(tmp_path):
    result = _setup(tmp_path, NEWSLETTER_UNCONFIRMED_DAYS="5", NEWSLETTER_CONFIRM_DAYS="7")
    assert result.returncode != 0 and "NEWSLETTER_CONFIRM_DAYS" in result.stderr
    result = _setup(tmp_path, MEMBERS_UNCONFIRMED_RETENTION_DAYS="2", MEMBERS_CONFIRM_MAX_AGE_HOURS="72")
    assert result.returncode != 0 and "MEMBERS_CONFIRM_MAX_AGE_HOURS" in result.stderr


def test_readme_and_security_doc_list_every_retention_variable():
    from tests.harness import ROOT

    readme = (ROOT / "README.md").read_text()
    security = (ROOT / "docs" / "security.md").read_text()
    for name in [*ENV_NAMES.values(), "RETENTION_CONTACT_CONSENT_KEYS"]:
        assert f"`{name}`" in readme, name
        assert f"`{name}`" in security, name


# --- IP addresses --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ip", "shortened"),
    [
        ("192.0.2.123", "192.0.2.0"),
        ("192.0.2.0", "192.0.2.0"),
        ("10.1.255.255", "10.1.255.0"),
        ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::"),
        ("2001:db8:1:2::", "2001:db8:1::"),
        ("2001:db8::1", "2001:db8::"),
        ("2001:db8:1::", "2001:db8:1::"),
        ("::1", "::"),
        ("::ffff:198.51.100.7", "198.51.100.0"),
    ],
)
def test_ip_truncate_keeps_the_network_only(ip, shortened):
    assert retention.ip_truncate(ip) == shortened
    assert retention.ip_truncate(shortened) == shortened


def _consent(email: str, *, ip: str | None, given_days: float, confirmed_days: float | None = None, now=None):
    now = now or timezone.now()
    consent = consent_record(key="newsletter", email=email, source="test", ip=ip, confirmed=confirmed_days is not None)
    Consent.objects.filter(pk=consent.pk).update(
        given_at=now - timedelta(days=given_days),
        confirmed_at=None if confirmed_days is None else now - timedelta(days=confirmed_days),
    )
    return consent


@pytest.mark.django_db
def test_consent_ips_are_shortened_once_due_and_kept_in_full_before(caplog):
    now = timezone.now()
    second = 1 / 86400
    due_v4 = _consent("a@example.org", ip="203.0.113.77", given_days=30 + second)
    due_v6 = _consent("b@example.org", ip="2001:db8:aaaa:bbbb::17", given_days=45)
    fresh = _consent("c@example.org", ip="203.0.113.78", given_days=30 - second)
    # Given long ago, confirmed recently: the address of the sign-up is due, the confirmation's not yet.
    mixed = _consent("d@example.org", ip="198.51.100.9", given_days=31, confirmed_days=29)
    Consent.objects.filter(pk=mixed.pk).update(confirmed_ip="2001:db8:cc:dd::9")
    no_ip = _consent("e@example.org", ip=None, given_days=400)
    shortened_already = _consent("f@example.org", ip="192.0.2.0", given_days=400)

    with caplog.at_level(logging.INFO, logger="swsdigital.privacy.retention"):
        assert retention.retention_apply(period="ip_addresses", now=now)["privacy.consent_ips"] == 3

    def ips(consent):
        consent.refresh_from_db()
        return consent.given_ip, consent.confirmed_ip

    assert ips(due_v4) == ("203.0.113.0", None)
    assert ips(due_v6) == ("2001:db8:aaaa::", None)
    assert ips(fresh) == ("203.0.113.78", None)
    assert ips(mixed) == ("198.51.100.0", "2001:db8:cc:dd::9")
    assert ips(no_ip) == (None, None)
    assert ips(shortened_already) == ("192.0.2.0", None)
    assert "Retention rule privacy.consent_ips: 3 record(s)" in caplog.text
    # The proof stays: which text, when given and confirmed.
    assert Consent.objects.count() == 6
    # Shortened addresses are recognised in the query, so a daily run reads only rows that may need it.
    candidates = Consent.objects.filter(retention._maybe_full("given_ip"))
    assert set(candidates.values_list("email", flat=True)) == {"c@example.org"}

    # Idempotent: a second run the same day changes nothing; later the fresh one and the confirmation are due.
    assert retention.retention_apply(period="ip_addresses", now=now)["privacy.consent_ips"] == 0
    assert retention.retention_apply(period="ip_addresses", now=now + timedelta(days=2))["privacy.consent_ips"] == 2
    assert ips(mixed) == ("198.51.100.0", "2001:db8:cc::")
    assert ips(fresh) == ("203.0.113.0", None)


# --- The audit trail -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_entries_older_than_the_period_are_deleted(caplog):
    audit = pytest.importorskip("swsdigital.privacy.audit")
    from auditlog.models import LogEntry

    now = timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION["audit_entries"])
    content_type = ContentType.objects.get_for_model(Consent)

    def entry(at):
        log = LogEntry.objects.create(content_type=content_type, object_pk="1", object_repr="x", action=0)
        LogEntry.objects.filter(pk=log.pk).update(timestamp=at)
        return log.pk

    old = entry(cutoff - timedelta(seconds=1))
    kept = [entry(cutoff + timedelta(seconds=1)), entry(now)]
    with caplog.at_level(logging.INFO, logger="swsdigital.privacy.retention"):
        assert retention.retention_apply(period="audit_entries", now=now) == {"privacy.audit_entries": 1}
    assert sorted(LogEntry.objects.values_list("pk", flat=True)) == sorted(kept)
    assert not LogEntry.objects.filter(pk=old).exists()
    assert "Retention rule privacy.audit_entries: 1 record(s)" in caplog.text
    assert retention.retention_apply(period="audit_entries", now=now) == {"privacy.audit_entries": 0}
    assert audit.audit_entries_purge  # the name the rule calls


# --- Running the rules -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_beat_task_runs_every_rule_of_its_period_and_logs_each(caplog):
    old = _consent("old@example.org", ip="203.0.113.5", given_days=90)
    with caplog.at_level(logging.INFO):
        result = retention_apply_task.apply(args=("ip_addresses",)).get()
    assert result == {"privacy.consent_ips": 1, "members.application_ips": 0}
    old.refresh_from_db()
    assert old.given_ip == "203.0.113.0"
    assert "Retention rule members.application_ips: 0 record(s)" in caplog.text


@pytest.mark.django_db
def test_a_failing_rule_does_not_stop_the_others_and_is_raised(monkeypatch, caplog):
    def broken(*, now):
        raise RuntimeError("database on fire")

    failing = retention.RetentionRule("test.broken", "ip_addresses", "x", "%(period)s", "x", broken)
    monkeypatch.setitem(retention._rules, "test.broken", failing)
    old = _consent("old@example.org", ip="203.0.113.5", given_days=90)
    with caplog.at_level(logging.INFO), pytest.raises(RuntimeError, match="on fire"):
        retention.retention_apply(period="ip_addresses")
    old.refresh_from_db()
    assert old.given_ip == "203.0.113.0"
    assert "Retention rule test.broken failed." in caplog.text


def test_a_period_missing_from_settings_is_a_clear_error(settings):
    settings.RETENTION = {key: days for key, days in settings.RETENTION.items() if key != "email_bodies"}
    with pytest.raises(retention.ImproperlyConfigured, match="email_bodies"):
        retention.retention_days("email_bodies")


@pytest.mark.parametrize(
    ("days", "english"),
    [(1, "1 day"), (30, "30 days"), (90, "90 days"), (365, "1 year"), (1095, "3 years"), (400, "400 days")],
)
def test_periods_in_words(days, english):
    with translation.override("en"):
        assert retention.period_display(days) == english


# --- The privacy notice ----------------------------------------------------------------------------------


@pytest.fixture
def privacy_page(db, client):
    demo.load()

    def get(language: str) -> str:
        with translation.override(language):
            url = reverse("pages:privacy")
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_privacy_notice_shows_every_rule_with_its_period_from_settings(privacy_page):
    html = privacy_page("en")
    assert "How long we keep your data" in html
    assert html.count("<tr><td>") == len(retention.rules())
    assert "90 days after the event" in html
    assert "30 days after the consent was given or confirmed" in html
    assert "3 years after the membership ended" in html
    assert "90 days after sending" in html
    assert html.index("Your rights") < html.index("How long we keep your data")


def test_changed_settings_change_the_privacy_notice_in_both_languages(privacy_page, settings):
    settings.RETENTION = {**settings.RETENTION, "event_participants": 41, "contacts_ended": 4 * 365}
    english = privacy_page("en")
    assert "41 days after the event" in english and "4 years after the membership ended" in english
    assert "90 days after the event" not in english
    german = privacy_page("de")
    assert '<html lang="de">' in german and "retention-table" in german
    # The German words come with the translations (locale/); the numbers are the settings' in any case.
    assert re.search(r"<td>41 (Tage|days) ", german) and re.search(r"<td>4 (Jahre|years) ", german)
    assert german.count("<tr><td>") == len(retention.rules())


def test_other_legal_pages_show_no_retention_table(db, client):
    demo.load()
    assert "retention-table" not in client.get(reverse("pages:imprint")).content.decode()
