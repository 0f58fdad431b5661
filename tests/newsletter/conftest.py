"""Fixtures of the newsletter tests: topics, subscribers, mailings, an SMTP backend on the sink."""

import pytest
from django.utils import timezone

from newsletter.models import Mailing, Subscriber, Topic


@pytest.fixture
def topics(db):
    return [
        Topic.objects.create(slug="events", name_de="Veranstaltungen", name_en="Events", position=1),
        Topic.objects.create(slug="funding", name_de="Förderung", name_en="Funding", position=2),
    ]


@pytest.fixture
def make_subscriber(db):
    def make(email: str, *, language: str = "de", status: str = Subscriber.Status.CONFIRMED, topics=()):
        subscriber = Subscriber.objects.create(
            email=email, language=language, status=status, confirmed_at=timezone.now(), source="test"
        )
        subscriber.topics.set(topics)
        return subscriber

    return make


@pytest.fixture
def subscribers(make_subscriber):
    """Thirty confirmed subscribers, every third one English."""
    return [make_subscriber(f"person{i:03d}@example.org", language="en" if i % 3 == 0 else "de") for i in range(30)]


@pytest.fixture
def mailing(db):
    return Mailing.objects.create(
        subject="Neues aus dem Netzwerk & mehr",
        preheader="Termine und Förderung",
        body="<h2>Hallo</h2><p>Der <strong>Digitaltag</strong> kommt.</p><script>alert(1)</script>",
        subject_en="News from the network",
        body_en="<h2>Hello</h2><p>The <strong>digital day</strong> is coming.</p>",
        include_events=False,
        include_news=False,
    )


@pytest.fixture
def sending(mailing):
    """The mailing in state "sending" (what the admin's "send now" does before the worker takes over)."""
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENDING, started_at=timezone.now())
    mailing.refresh_from_db()
    return mailing


@pytest.fixture
def smtp_backend(settings, smtp_sink):
    """Send through the real SMTP sink in this process (no worker)."""
    settings.EMAIL_BACKEND = "swsdigital.mail.backends.SmtpEmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return smtp_sink


@pytest.fixture
def newsletter_worker(_worker_process, transactional_db, smtp_sink, settings):
    """A worker tuned to send slowly enough to be killed mid-mailing (the session's worker pauses meanwhile).

    10 messages a second, batches of 10, one runner, 3-second leases; the test process uses the same values.
    """
    from tests.harness import CeleryWorker

    tuning = {
        "NEWSLETTER_RATE_PER_MINUTE": "600",
        "NEWSLETTER_BATCH_SIZE": "10",
        "NEWSLETTER_PARALLEL": "1",
        "NEWSLETTER_CLAIM_SECONDS": "3",
        "NEWSLETTER_RUN_SECONDS": "30",
    }
    for name, value in tuning.items():
        setattr(settings, name, int(value))
    _worker_process.stop()  # one consumer on the queue: this one (celery_worker restarts the other)
    worker = CeleryWorker(env={**_worker_process.env, **tuning}).start()
    yield worker
    worker.stop()


@pytest.fixture
def presend_clean(settings):
    """Settings under which the fixture mailing passes the pre-send check without warnings.

    DKIM configured for the sender's domain, https links, and no SpamAssassin run (its own tests run it).
    """
    from tests import dkimkit

    settings.DKIM_DOMAIN = dkimkit.DOMAIN
    settings.DKIM_SELECTOR = dkimkit.SELECTOR
    settings.DKIM_PRIVATE_KEY = dkimkit.key_pem().decode("ascii")
    settings.DKIM_PRIVATE_KEY_FILE = ""
    settings.SITE_URL = "https://portal.sws-digital.example"
    settings.SPAMASSASSIN_COMMAND = "/nonexistent/spamassassin"
    settings.SPAMD_HOST = ""
    return settings


@pytest.fixture
def presend_passed(presend_clean, mailing):
    """The fixture mailing with a passing pre-send check of its current content (what the admin's check does)."""
    from newsletter.services import mailing_check_run

    report = mailing_check_run(mailing=mailing)
    assert not report.has_errors and not report.has_warnings, report.findings
    mailing.refresh_from_db()
    return mailing
