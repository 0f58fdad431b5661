"""Press items point to related events: admin field, detail sidebar, demo links."""

import itertools
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from events import demo as events_demo
from events.models import Event
from events.services import event_save
from news import demo
from news.models import NewsItem
from swsdigital.pages import demo as pages_demo

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
_slugs = itertools.count(1)


def make_event(title: str, *, days: int = 10, start: datetime | None = None, **extra) -> Event:
    """Create a published event through the events service."""
    start = start or timezone.now() + timedelta(days=days)
    event = Event(
        title=title, slug=f"termin-{next(_slugs)}", teaser="Vernetzung", description="Vorträge.", start=start,
        end=start + timedelta(hours=2), format=Event.Format.ONLINE, online_url="https://meet.example.org/sws",
        status=Event.Status.PUBLISHED,
        region=Event.Region.ONLINE,
    )  # fmt: skip
    for key, value in extra.items():
        setattr(event, key, value)
    return event_save(event=event)


def test_detail_lists_related_public_events_with_german_dates(client, make_item):
    year = timezone.now().year + 1
    gipfel = make_event("Digital-Gipfel Chemnitz", start=datetime(year, 10, 24, 16, 0, tzinfo=BERLIN))
    stammtisch = make_event(
        "Digitalstammtisch", start=datetime(year, 3, 5, 18, 30, tzinfo=BERLIN), status=Event.Status.CANCELLED
    )
    draft = make_event("Geheimer Entwurf", status=Event.Status.DRAFT)
    item = make_item("Gipfel angekündigt")
    item.related_events.add(gipfel, stammtisch, draft)
    html = client.get(item.get_absolute_url()).content.decode()
    assert '<h2 id="news-events" class="h5">Zugehörige Termine</h2>' in html
    assert f'<a href="{gipfel.get_absolute_url()}">Digital-Gipfel Chemnitz</a>' in html
    assert f"24. Oktober {year}, 16:00 Uhr" in html
    assert f"5. März {year}, 18:30 Uhr</time> · Abgesagt" in html
    assert html.index("Digitalstammtisch") < html.index("Digital-Gipfel Chemnitz")  # soonest first
    assert "Geheimer Entwurf" not in html
    assert gipfel.get_absolute_url().startswith("/termine/")


def test_detail_without_related_events_has_no_block(client, make_item):
    html = client.get(make_item("Ohne Termine").get_absolute_url()).content.decode()
    assert "Zugehörige Termine" not in html


def test_english_detail_links_the_english_event_page(client, make_item):
    event = make_event("SmartRailCampus")
    item = make_item("Campus eröffnet")
    item.related_events.add(event)
    html = client.get("/en" + item.get_absolute_url().replace("/presse/", "/press/")).content.decode()
    assert "Related events" in html
    assert re.search(r'href="/en/events/termin-\d+/"', html)


def test_admin_offers_related_events_with_autocomplete(staff_client, make_item):
    event = make_event("Webinar IT-Sicherheit")
    item = make_item("Webinar angekündigt")
    html = staff_client.get(reverse("admin:news_newsitem_change", args=[item.pk])).content.decode()
    assert 'name="related_events"' in html and "admin-autocomplete" in html
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "Webinar", "app_label": "news", "model_name": "newsitem", "field_name": "related_events"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(event.pk), "text": "Webinar IT-Sicherheit"}]


def test_demo_links_press_releases_to_demo_events_idempotently(db, media_root):
    pages_demo.load()
    events_demo.load()
    demo.load()
    demo.load()
    item = NewsItem.objects.get(slug="mint-nachwuchs-smart-rail-connectivity-campus")
    assert sorted(item.related_events.values_list("slug", flat=True)) == [
        "smartrailcampus-connectivity",
        "smartrailcampus-ki-instandhaltung",
    ]
    through = NewsItem.related_events.through.objects.count()
    demo.load()
    assert NewsItem.related_events.through.objects.count() == through >= 5
