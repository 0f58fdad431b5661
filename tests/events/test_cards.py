"""Event cards on the lists and the home page: a date tile and the registration state above the title."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from events import selectors
from events.models import Event

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.now().year + 1
# 23:30 UTC on the 13th is 00:30 on the 14th in Plauen: the tile shows the event's local date.
LATE_START = datetime(NEXT_YEAR, 11, 13, 23, 30, tzinfo=UTC)


def _card(html: str, title: str) -> str:
    """Return the card of the event with this title."""
    for card in re.findall(r'<article class="card event-card.*?</article>', html, flags=re.S):
        if f">{title}</a>" in card or f'<span lang="de">{title}</span>' in card:  # English pages mark German
            return card
    raise AssertionError(f"no card for {title!r}")


def _badges(card: str) -> list[str]:
    return re.findall(r'<span class="badge text-bg-(?!light)[^"]*">([^<]+)</span>', card)


@pytest.fixture
def events_in_every_state(make_event, register):
    """One upcoming event per registration state a card tells apart."""
    make_event(title="Offen", capacity=10)
    full = make_event(title="Voll", capacity=2, waitlist_enabled=False)
    register(full, "a@example.org", places=1)
    register(full, "b@example.org", places=1)
    waitlist = make_event(title="Warte", capacity=1, waitlist_enabled=True)
    register(waitlist, "c@example.org")
    opens = datetime(NEXT_YEAR, 10, 1, 8, 0, tzinfo=UTC)
    make_event(title="Später", start=LATE_START, registration_opens=opens)
    make_event(title="Zu", registration_closes=timezone.now() - timedelta(hours=1))
    make_event(title="Fällt aus", status=Event.Status.CANCELLED)
    make_event(title="Verlegt", status=Event.Status.POSTPONED)


def test_list_cards_say_the_registration_state_above_the_title(client, events_in_every_state):
    html = client.get("/termine/").content.decode()
    expected = {
        "Offen": [],
        "Voll": ["Ausgebucht"],
        "Warte": ["Warteliste"],
        "Später": ["Anmeldung ab 1. Oktober"],
        "Zu": ["Anmeldung geschlossen"],
        "Fällt aus": ["Abgesagt"],
        "Verlegt": ["Verschoben"],
    }
    for title, badges in expected.items():
        card = _card(html, title)
        assert _badges(card) == badges, title
        if badges:
            assert card.index(badges[0]) < card.index(f">{title}</a>"), f"badge of {title} not above the title"


def test_english_cards_say_the_state_in_english(client, events_in_every_state):
    html = client.get("/en/events/").content.decode()
    assert _badges(_card(html, "Voll")) == ["Fully booked"]
    assert _badges(_card(html, "Warte")) == ["Waiting list"]
    assert _badges(_card(html, "Später")) == ["Registration from 1 October"]
    assert _badges(_card(html, "Zu")) == ["Registration closed"]


def test_a_waiting_person_ahead_means_the_waiting_list_even_with_a_place_free(make_event, register):
    event = make_event(title="Frei, aber Warteliste", capacity=3, max_places=3)
    register(event, "gross@example.org", places=2)
    register(event, "gruppe@example.org", places=2)  # does not fit: waits
    [card] = selectors.events_with_state(selectors.events_upcoming())
    assert (card.places_confirmed, card.places_waiting, card.card_state) == (2, 1, "waitlist")


def test_the_card_state_is_the_detail_pages_state_with_the_places_counted(make_event):
    event = make_event(capacity=5, registration_closes=timezone.now() + timedelta(days=1))
    assert event.registration_state_counted(confirmed=4, waiting=0) == "open"
    assert event.registration_state_counted(confirmed=5, waiting=0) == "waitlist"
    event.waitlist_enabled = False
    assert event.registration_state_counted(confirmed=5, waiting=0) == "full"
    later = timezone.now() + timedelta(days=2)
    assert event.registration_state_counted(confirmed=5, waiting=0, now=later) == "closed"
    event.capacity = None
    assert event.registration_state_counted(confirmed=500, waiting=0) == "open"


def test_date_tile_shows_day_and_month_of_the_local_date_and_the_full_date_to_screen_readers(client, make_event):
    make_event(title="Spät", start=LATE_START)
    card = _card(client.get("/termine/").content.decode(), "Spät")
    tile = re.search(r'<time class="date-tile" datetime="([^"]+)">(.*?)</time>', card, flags=re.S)
    assert tile, card
    assert tile[1] == f"{NEXT_YEAR}-11-14"
    visible = re.findall(r'<span class="date-tile-(?:day|month)" aria-hidden="true">([^<]+)</span>', tile[2])
    assert visible == ["14", "Nov."]
    assert f'<span class="visually-hidden">14. November {NEXT_YEAR}</span>' in tile[2]
    assert "Samstag" in card or "Sonntag" in card or "Freitag" in card  # the weekday beside the time
    card = _card(client.get("/en/events/").content.decode(), "Spät")
    visible = re.findall(r'<span class="date-tile-(?:day|month)" aria-hidden="true">([^<]+)</span>', card)
    assert visible == ["14", "Nov"]
    assert f'<span class="visually-hidden">14 November {NEXT_YEAR}</span>' in card


def test_home_page_and_calendar_cards_have_the_tile_and_the_badges(client, make_event, register):
    event = make_event(title="Fast voll", capacity=1, waitlist_enabled=True, start=LATE_START)
    register(event, "a@example.org")
    for path in ("/", f"/termine/kalender/?month={NEXT_YEAR}-11"):
        card = _card(client.get(path).content.decode(), "Fast voll")
        assert 'class="date-tile"' in card, path
        assert _badges(card) == ["Warteliste"], path


def test_archive_cards_have_the_tile(client, make_event):
    make_event(title="Vorbei", start=timezone.now() - timedelta(days=30))
    card = _card(client.get("/termine/archiv/").content.decode(), "Vorbei")
    assert 'class="date-tile"' in card
    assert _badges(card) == []
