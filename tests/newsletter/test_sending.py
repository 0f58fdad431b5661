"""The sending engine in-process: delivery rows, claims, headers, retries, bounces, audience and blocks."""

import time

import pytest
from django.core import mail
from django.utils import timezone

from newsletter import services
from newsletter.models import Delivery, Mailing, Subscriber
from newsletter.ratelimit import SendRateLimiter
from newsletter.services.sending import deliveries_claim, mailing_progress, mailing_recipients
from swsdigital.mail.returnpath import DELIVERY, Token, message_id, token_find
from tests.members.factories import application_submit, member_admitted

pytestmark = pytest.mark.django_db


def _run(mailing) -> str:
    services.mailing_deliveries_prepare(mailing_id=mailing.pk)
    return services.mailing_run(mailing_id=mailing.pk, seconds=60).outcome


def test_every_subscriber_gets_one_message_with_headers_text_and_html(subscribers, sending, settings):
    settings.NEWSLETTER_BATCH_SIZE = 7
    assert _run(sending) == "done"
    assert len(mail.outbox) == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in subscribers)
    message_ids = set()
    for message in mail.outbox:
        raw = message.message()
        unsubscribe = raw["List-Unsubscribe"]
        assert unsubscribe.startswith("<http://127.0.0.1:8000/")
        assert "/abmelden/" in unsubscribe or "/unsubscribe/" in unsubscribe
        assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        message_ids.add(raw["Message-ID"])
        delivery = Delivery.objects.get(mailing=sending, subscriber__email=message.to[0])
        assert token_find(raw["Message-ID"]) == Token(DELIVERY, delivery.pk)  # a bounce quoting it finds the row
        html = message.alternatives[0].content
        assert message.alternatives[0].mimetype == "text/html"
        url = unsubscribe.strip("<>")
        assert url in message.body and url in html  # the visible footer link is the same
        assert "<script>" not in html
    assert len(message_ids) == 30
    german = next(m for m in mail.outbox if m.to[0] == "person001@example.org")
    english = next(m for m in mail.outbox if m.to[0] == "person000@example.org")
    assert german.subject == "Neues aus dem Netzwerk & mehr" and "Digitaltag" in german.body
    assert english.subject == "News from the network" and "/en/newsletter/unsubscribe/" in english.body
    sending.refresh_from_db()
    assert sending.status == Mailing.Status.SENT and sending.finished_at
    assert mailing_progress(mailing=sending)["sent"] == 30


def test_resending_is_idempotent(subscribers, sending):
    assert _run(sending) == "done"
    Mailing.objects.filter(pk=sending.pk).update(status=Mailing.Status.SENDING)
    assert services.mailing_deliveries_prepare(mailing_id=sending.pk) == 30  # no second row per subscriber
    services.mailing_run(mailing_id=sending.pk, seconds=10)
    assert len(mail.outbox) == 30
    assert Delivery.objects.filter(mailing=sending).count() == 30


def test_claims_never_overlap(subscribers, sending):
    services.mailing_deliveries_prepare(mailing_id=sending.pk)
    first = deliveries_claim(mailing_id=sending.pk, size=20)
    second = deliveries_claim(mailing_id=sending.pk, size=20)
    assert len(first) == 20 and len(second) == 10
    assert not {d.pk for d in first} & {d.pk for d in second}
    assert deliveries_claim(mailing_id=sending.pk, size=20) == []


def test_a_dead_workers_claim_is_taken_over_after_its_lease(subscribers, sending):
    services.mailing_deliveries_prepare(mailing_id=sending.pk)
    lost = deliveries_claim(mailing_id=sending.pk, size=10)
    Delivery.objects.filter(pk__in=[d.pk for d in lost]).update(locked_until=timezone.now())
    assert services.mailing_run(mailing_id=sending.pk, seconds=30).outcome == "done"
    assert len(mail.outbox) == 30


def test_unsubscribe_is_honoured_until_the_message_is_sent(subscribers, sending):
    services.mailing_deliveries_prepare(mailing_id=sending.pk)
    Subscriber.objects.filter(pk=subscribers[5].pk).update(status=Subscriber.Status.UNSUBSCRIBED)
    _run(sending)
    assert subscribers[5].email not in {m.to[0] for m in mail.outbox}
    assert Delivery.objects.get(mailing=sending, subscriber=subscribers[5]).status == Delivery.Status.SKIPPED
    assert len(mail.outbox) == 29


def test_audience_topics_language_and_members(make_subscriber, topics, mailing):
    a = make_subscriber("a@example.org", topics=[topics[0]])
    b = make_subscriber("b@example.org", topics=[topics[1]], language="en")
    make_subscriber("c@example.org", status=Subscriber.Status.PENDING, topics=[topics[0]])
    make_subscriber("d@example.org", status=Subscriber.Status.BOUNCED)
    assert set(mailing_recipients(mailing=mailing)) == {a, b}
    mailing.topics.set([topics[0]])
    assert list(mailing_recipients(mailing=mailing)) == [a]
    mailing.topics.set([])
    mailing.audience_language = "en"
    assert list(mailing_recipients(mailing=mailing)) == [b]
    mailing.audience_language = ""
    mailing.members_only = True
    assert list(mailing_recipients(mailing=mailing)) == []
    member_admitted(email="B@example.org")  # a real member whose contact is subscribed (address in another case)
    member_admitted(email="nur-mitglied@example.org")  # a member who is not subscribed gets nothing
    assert list(mailing_recipients(mailing=mailing)) == [b]


def test_members_only_reaches_active_members_only(make_subscriber, sending):
    from members.models import Member

    make_subscriber("aktiv@example.org")
    make_subscriber("ehemalig@example.org")
    make_subscriber("bewerberin@example.org")
    member_admitted(email="aktiv@example.org")
    gone = member_admitted(email="ehemalig@example.org")
    Member.objects.filter(pk=gone.pk).update(status=Member.Status.ENDED)
    application_submit(email="bewerberin@example.org")  # applied, not yet admitted
    Mailing.objects.filter(pk=sending.pk).update(members_only=True)
    assert _run(sending) == "done"
    assert [m.to[0] for m in mail.outbox] == ["aktiv@example.org"]


def test_blocks_show_what_the_selectors_return(subscribers, sending, monkeypatch):
    """Any object with a title and a page becomes an item; one whose page fails is listed by title only."""
    import events.selectors
    import news.selectors

    class Item:
        def __init__(self, title, url):
            self.title, self.url = title, url

        def __str__(self):
            return self.title

        def get_absolute_url(self):
            return self.url

    class Broken:
        def __str__(self):
            return "Ohne Seite"

        def get_absolute_url(self):
            raise ValueError("no page")

    monkeypatch.setattr(
        events.selectors, "events_upcoming", lambda limit=None: [Item("Digitaltag 2026", "/termine/digitaltag/")]
    )
    monkeypatch.setattr(
        news.selectors, "news_latest", lambda limit=None: [Item("Förderaufruf & mehr", "/presse/x/"), Broken()]
    )
    Mailing.objects.filter(pk=sending.pk).update(include_events=True, include_news=True)
    _run(sending)
    message = next(m for m in mail.outbox if m.to[0] == "person001@example.org")
    html = message.alternatives[0].content
    assert "Nächste Termine" in html and 'href="http://127.0.0.1:8000/termine/digitaltag/"' in html
    assert "Förderaufruf &amp; mehr" in html and "Ohne Seite" in html
    assert "Digitaltag 2026: http://127.0.0.1:8000/termine/digitaltag/" in message.body


def test_temporary_failure_is_retried_with_backoff(make_subscriber, sending, smtp_backend, settings):
    settings.NEWSLETTER_RETRY_DELAYS = [60, 600]
    make_subscriber("one@example.org")
    smtp_backend.mode = "tempfail"
    services.mailing_deliveries_prepare(mailing_id=sending.pk)
    result = services.mailing_run(mailing_id=sending.pk, seconds=5)
    delivery = Delivery.objects.get(mailing=sending)
    assert delivery.status == Delivery.Status.RETRY and "451" in delivery.last_error
    assert result.outcome == "wait" and 55 <= result.wait_seconds <= 62
    assert smtp_backend.refused == 1
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())  # the minute has passed
    smtp_backend.mode = "accept"
    assert services.mailing_run(mailing_id=sending.pk, seconds=10).outcome == "done"
    assert len(smtp_backend.to("one@example.org")) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 2
    assert Subscriber.objects.get(email="one@example.org").status == Subscriber.Status.CONFIRMED


def test_permanent_failure_marks_the_address_bounced(make_subscriber, sending, smtp_backend):
    make_subscriber("gone@example.org")
    smtp_backend.mode = "reject"
    assert _run(sending) == "done"
    assert Delivery.objects.get(mailing=sending).status == Delivery.Status.FAILED
    subscriber = Subscriber.objects.get(email="gone@example.org")
    assert subscriber.status == Subscriber.Status.BOUNCED and "550" in subscriber.bounce_reason


def test_pause_stops_and_resume_continues(subscribers, sending, settings):
    settings.NEWSLETTER_BATCH_SIZE = 10
    services.mailing_deliveries_prepare(mailing_id=sending.pk)
    assert services.mailing_pause(mailing=sending)
    assert services.mailing_run(mailing_id=sending.pk).outcome == "stopped"
    assert mail.outbox == []
    assert services.mailing_resume(mailing=sending)
    assert services.mailing_run(mailing_id=sending.pk).outcome == "done"
    assert len(mail.outbox) == 30


def test_cancel_skips_the_rest(subscribers, sending):
    services.mailing_deliveries_prepare(mailing_id=sending.pk)
    assert services.mailing_cancel(mailing=sending)
    assert services.mailing_run(mailing_id=sending.pk).outcome == "stopped"
    assert mailing_progress(mailing=sending)["skipped"] == 30


def test_scheduled_mailing_is_started_by_the_sweep(
    presend_passed, mailing, django_capture_on_commit_callbacks, monkeypatch
):
    from newsletter import tasks

    started = []
    monkeypatch.setattr(tasks.mailing_prepare_task, "delay", started.append)
    services.mailing_schedule(mailing=mailing, when=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mailings_sweep() == 1
    assert started == [mailing.pk]
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENDING


def test_rate_limit_holds_the_rate(settings):
    limiter = SendRateLimiter(per_minute=600)  # 10 per second, a burst of 10
    started = time.monotonic()
    for _i in range(25):
        limiter.acquire()
    elapsed = time.monotonic() - started
    # 10 from the full bucket, then 15 more at 10/s: at least about 1.5 s (allowing window edges).
    assert elapsed >= 0.9
    assert elapsed < 6


def test_rate_limit_is_shared_between_limiters():
    first, second = SendRateLimiter(per_minute=60, chunk=1), SendRateLimiter(per_minute=60, chunk=1)
    assert first._take(1) == 1
    assert second._take(1) == 0  # the one token of this second is gone, whoever asks


def test_rate_limit_off():
    limiter = SendRateLimiter(per_minute=0)
    started = time.monotonic()
    for _i in range(1000):
        limiter.acquire()
    assert time.monotonic() - started < 0.5


def test_messages_over_smtp_are_well_formed(make_subscriber, sending, smtp_backend):
    """The fast path builds the bytes itself: a mail parser must read them like Django's own."""
    subscriber = make_subscriber("leser@example.org")
    long_line = "Grüße aus Chemnitz. " * 80
    Mailing.objects.filter(pk=sending.pk).update(body=f"<p>{long_line}</p><p>.Punkt am Zeilenanfang</p>")
    assert _run(sending) == "done"
    [message] = smtp_backend.to("leser@example.org")
    assert message["Subject"] == "Neues aus dem Netzwerk & mehr"
    assert message["To"] == "leser@example.org"
    delivery = Delivery.objects.get(mailing=sending)
    assert message["Message-ID"] == message_id(Token(DELIVERY, delivery.pk), "sws-digital.example")
    assert token_find(message["Message-ID"]) == Token(DELIVERY, delivery.pk)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Date"] and "SWS Digital" in message["From"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    token = services.manage_token(subscriber.key)
    assert f"http://127.0.0.1:8000/newsletter/abmelden/{token}/" in text
    assert message["List-Unsubscribe"] == f"<http://127.0.0.1:8000/newsletter/abmelden/{token}/>"
    assert "Grüße aus Chemnitz. Grüße" in text and ".Punkt am Zeilenanfang" in text
    assert f'href="http://127.0.0.1:8000/newsletter/einstellungen/{token}/"' in html
    assert "<strong>" not in text and "Grüße aus Chemnitz." in html


def test_unsubscribe_during_the_batch_is_honoured(subscribers, sending, monkeypatch):
    from newsletter.rendering import MailingRenderer
    from newsletter.services import sending as engine

    monkeypatch.setattr(engine, "UNSUBSCRIBE_CHECK_SECONDS", 0)  # look before every message
    original = MailingRenderer.message
    late = subscribers[20]

    def message_and_meanwhile_unsubscribe(self, delivery, **kwargs):
        if delivery.subscriber_id == subscribers[2].pk:  # the batch is under way
            services.subscriber_unsubscribe(subscriber=late)
        return original(self, delivery, **kwargs)

    monkeypatch.setattr(MailingRenderer, "message", message_and_meanwhile_unsubscribe)
    assert _run(sending) == "done"
    assert late.email not in {m.to[0] for m in mail.outbox} and len(mail.outbox) == 29
    assert Delivery.objects.get(mailing=sending, subscriber=late).status == Delivery.Status.SKIPPED


def test_members_only_without_member_addresses_sends_nothing(subscribers, sending):
    Mailing.objects.filter(pk=sending.pk).update(members_only=True)
    assert services.mailing_deliveries_prepare(mailing_id=sending.pk) == 0
    assert services.mailing_run(mailing_id=sending.pk).outcome == "done"
    assert mail.outbox == []


@pytest.mark.redis
def test_on_redis_the_limit_is_a_token_bucket_in_redis():
    limiter = SendRateLimiter(per_minute=600)
    assert limiter._script is not None  # one atomic script per take, not window counters
    assert limiter._take(25) == 10  # the bucket holds one second's worth
