"""The automatic blocks with real events and press releases (made by the events and news services)."""

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

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _werkbank() -> Venue:
    return Venue.objects.get_or_create(
        name="Werkbank32", street="Bahnhofstraße 32", postcode="09648", town="Mittweida"
    )[0]


def _event(title: str, slug: str, start: datetime, **extra) -> Event:
    event = Event(
        title=title, slug=slug, teaser="Vernetzung in Südwestsachsen", description="Vorträge.", start=start,
        end=start + timedelta(hours=3), format=Event.Format.IN_PERSON, venue=_werkbank(), status=Event.Status.PUBLISHED,
        region=Event.Region.MITTELSACHSEN,
    )  # fmt: skip
    for key, value in extra.items():
        setattr(event, key, value)
    return event_save(event=event)


def _html_and_text(email: str):
    message = next(m for m in mail.outbox if m.to[0] == email)
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
    return html, message.body


def test_blocks_carry_real_events_and_press_releases_with_absolute_links(make_subscriber, sending, settings):
    settings.NEWSLETTER_BLOCK_ITEMS = 2
    year = timezone.now().year + 1
    digitaltag = _event("Digitaltag Chemnitz", "digitaltag-chemnitz", datetime(year, 10, 24, 16, 0, tzinfo=BERLIN))
    campus = _event("SmartRailCampus", "smartrailcampus", datetime(year, 11, 5, 18, 0, tzinfo=BERLIN))
    _event("Später Termin", "spaeter-termin", datetime(year, 12, 1, 18, 0, tzinfo=BERLIN))  # beyond the limit
    _event("Entwurf", "entwurf", datetime(year, 10, 1, 18, 0, tzinfo=BERLIN), status=Event.Status.DRAFT)
    press = news_item_create(
        title="Förderaufruf für KMU & Handwerk", lead="Neue Mittel für die Digitalisierung.",
        status=NewsItem.Status.PUBLISHED, published_at=datetime(year - 1, 3, 14, 9, 0, tzinfo=BERLIN),
    )  # fmt: skip
    news_item_create(title="Noch nicht veröffentlicht", lead="Entwurf.")
    make_subscriber("de@example.org")
    make_subscriber("en@example.org", language="en")
    Mailing.objects.filter(pk=sending.pk).update(include_events=True, include_news=True)
    services.mailing_deliveries_prepare(mailing_id=sending.pk)
    assert services.mailing_run(mailing_id=sending.pk, seconds=60).outcome == "done"

    html, text = _html_and_text("de@example.org")
    for page in (html, text):
        assert "Nächste Termine" in page and "Neueste Pressemitteilungen" in page
        assert "Später Termin" not in page and "Entwurf" not in page and "Noch nicht veröffentlicht" not in page
    assert (
        f"- 24. Oktober {year}, 16:00 Uhr: Digitaltag Chemnitz: {settings.SITE_URL}/termine/digitaltag-chemnitz/"
        in text
    )
    assert f"SmartRailCampus: {settings.SITE_URL}{campus.get_absolute_url()}" in text
    assert (
        f"- 14. März {year - 1}: Förderaufruf für KMU & Handwerk: {settings.SITE_URL}{press.get_absolute_url()}" in text
    )
    assert f'<a href="{settings.SITE_URL}{digitaltag.get_absolute_url()}"' in html
    assert f'<a href="{settings.SITE_URL}{press.get_absolute_url()}"' in html
    assert "Förderaufruf für KMU &amp; Handwerk" in html
    assert html.index("Digitaltag Chemnitz") < html.index("SmartRailCampus")

    html, text = _html_and_text("en@example.org")
    assert f"{settings.SITE_URL}/en/events/digitaltag-chemnitz/" in text
    assert f'<a href="{settings.SITE_URL}/en/events/digitaltag-chemnitz/"' in html
    assert f"October 24, {year}" in text or f"24 October {year}" in text


def test_a_cancelled_or_postponed_event_in_the_next_events_says_so(make_subscriber, sending, settings):
    year = timezone.now().year + 1
    _event("Digitaltag Chemnitz", "digitaltag-chemnitz", datetime(year, 10, 24, 16, 0, tzinfo=BERLIN))
    _event(
        "Stammtisch Annaberg", "stammtisch", datetime(year, 10, 25, 18, 0, tzinfo=BERLIN), status=Event.Status.CANCELLED
    )
    _event("Gipfel", "gipfel", datetime(year, 10, 26, 9, 0, tzinfo=BERLIN), status=Event.Status.POSTPONED)
    make_subscriber("de@example.org")
    make_subscriber("en@example.org", language="en")
    Mailing.objects.filter(pk=sending.pk).update(include_events=True)
    services.mailing_deliveries_prepare(mailing_id=sending.pk)
    assert services.mailing_run(mailing_id=sending.pk, seconds=60).outcome == "done"

    html, text = _html_and_text("de@example.org")
    assert (
        f"- 25. Oktober {year}, 18:00 Uhr: Stammtisch Annaberg (abgesagt): {settings.SITE_URL}/termine/stammtisch/"
        in (text)
    )
    assert "Gipfel (verschoben)" in text
    assert f"- 24. Oktober {year}, 16:00 Uhr: Digitaltag Chemnitz: " in text  # the others carry no note
    assert "Stammtisch Annaberg</a> <strong>(abgesagt)</strong>" in html
    html, text = _html_and_text("en@example.org")
    assert "Stammtisch Annaberg (cancelled)" in text and "Gipfel (postponed)" in text
