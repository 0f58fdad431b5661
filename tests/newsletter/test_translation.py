"""English mailings and registration emails: German fallbacks inside the English HTML carry lang="de"."""

import email
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Event, Venue
from events.services import event_save
from news.models import NewsItem
from news.services import news_item_create
from newsletter import services
from newsletter.models import Mailing
from swsdigital.mail.models import OutboxEmail

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _event(title: str, slug: str, start: datetime, **extra) -> Event:
    venue = Venue.objects.get_or_create(name="Werkbank32", town="Mittweida", participant_notes="Eingang im Hof.")[0]
    event = Event(
        title=title, slug=slug, teaser="Vernetzung", description="Vorträge.", start=start,
        end=start + timedelta(hours=3), format=Event.Format.IN_PERSON, venue=venue, status=Event.Status.PUBLISHED,
        region=Event.Region.MITTELSACHSEN,
    )  # fmt: skip
    for key, value in extra.items():
        setattr(event, key, value)
    return event_save(event=event)


def _html_bytes_part(address: str) -> str:
    """The decoded text/html part of the message as it goes over the wire."""
    message = next(m for m in mail.outbox if m.to[0] == address)
    parsed = email.message_from_bytes(message.message().as_bytes())
    part = next(p for p in parsed.walk() if p.get_content_type() == "text/html")
    return part.get_payload(decode=True).decode(part.get_content_charset())


def test_english_mailing_marks_german_body_and_german_block_items(make_subscriber, sending):
    year = timezone.now().year + 1
    _event("Digitaltag Chemnitz", "digitaltag", datetime(year, 10, 24, 16, 0, tzinfo=BERLIN))
    _event("Bahncampus", "bahncampus", datetime(year, 11, 5, 18, 0, tzinfo=BERLIN), title_en="Rail campus")
    news_item_create(
        title="Förderaufruf für KMU", lead="Neue Mittel.", status=NewsItem.Status.PUBLISHED,
        published_at=datetime(year - 1, 3, 14, 9, 0, tzinfo=BERLIN),
    )  # fmt: skip
    # A mailing written in German only: the English subscriber gets the German text, marked as German.
    Mailing.objects.filter(pk=sending.pk).update(include_events=True, include_news=True, body_en="", subject_en="")
    make_subscriber("de@example.org")
    make_subscriber("en@example.org", language="en")
    services.mailing_deliveries_prepare(mailing_id=sending.pk)
    assert services.mailing_run(mailing_id=sending.pk, seconds=60).outcome == "done"

    html = _html_bytes_part("en@example.org")
    assert '<html lang="en">' in html
    body = html.split('<div lang="de">', 1)[1]
    assert body.index("(auf Deutsch)") < body.index("Neues aus dem Netzwerk") < body.index("kommt.</p>")
    assert body.index("</div>") > body.index("kommt.</p>")
    assert '<span lang="de"><a href="http://127.0.0.1:8000/en/events/digitaltag/"' in html
    assert '<span lang="de"><a href="http://127.0.0.1:8000/en/press/' in html
    assert (
        "Rail campus</a>" in html
        and '<span lang="de"><a href="http://127.0.0.1:8000/en/events/bahncampus/"' not in html
    )

    german = _html_bytes_part("de@example.org")
    assert 'lang="de"><' not in german.replace('<html lang="de">', "") and "(auf Deutsch)" not in german


def test_english_mailing_with_english_body_is_not_marked(make_subscriber, sending):
    make_subscriber("en@example.org", language="en")
    services.mailing_deliveries_prepare(mailing_id=sending.pk)
    assert services.mailing_run(mailing_id=sending.pk, seconds=60).outcome == "done"
    html = _html_bytes_part("en@example.org")
    assert "News from the network" in html and "digital day" in html
    assert '<div lang="de">' not in html and "(auf Deutsch)" not in html


def test_registration_confirmation_in_english_marks_the_german_title_and_venue_notes(
    django_capture_on_commit_callbacks,
):
    from events.services import registration_create

    event = _event("Sicher im Netz", "sicher-im-netz", timezone.now() + timedelta(days=5))
    registration_create(event=event, name="Ann", email="ann@example.org", language="en")
    row = OutboxEmail.objects.get(to="ann@example.org")
    assert row.language == "en"
    assert '<span lang="de">Sicher im Netz</span> <small class="translation-note" lang="de">(auf Deutsch)</small>' in (
        row.body_html
    )
    assert '<span lang="de">Eingang im Hof.</span>' in row.body_html
    assert "Sicher im Netz" in row.body_text and 'lang="de"' not in row.body_text

    event.title_en = "Safe online"
    event.save()
    event.venue.participant_notes_en = "Entrance in the courtyard."
    event.venue.save()
    registration_create(event=event, name="Bo", email="bo@example.org", language="en")
    row = OutboxEmail.objects.get(to="bo@example.org")
    assert "Safe online</a>" in row.body_html and "Entrance in the courtyard." in row.body_html
    assert "(auf Deutsch)" not in row.body_html
