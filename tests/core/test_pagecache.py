"""The anonymous visitors' page cache: hits cost no query, every published change is visible at once,
embargoes lift on time, and per-visitor form fields (CSRF, fill time, submission token) stay personal."""

import re
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from news.models import NewsItem
from swsdigital.core import pagecache
from tests.members.conftest import make_member, membership_type  # noqa: F401

pytestmark = pytest.mark.usefixtures("page_cache")


def _get(url, client=None):
    return (client or Client()).get(url)


def _field(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def test_second_visit_is_a_hit_without_queries(db, make_item, django_assert_num_queries):
    make_item(title="Breitband im Vogtland")
    first = _get("/presse/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = _get("/presse/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Breitband im Vogtland" in second.content.decode()
    # The frame's security headers are still set on a hit.
    assert second["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in second


def test_each_language_and_query_has_its_own_entry(db, make_item):
    make_item(title="Netzwerktreffen")
    _get("/presse/")
    assert _get("/en/press/")["X-Page-Cache"] == "miss"
    assert _get("/presse/?page=1")["X-Page-Cache"] == "miss"
    assert 'lang="en"' in _get("/en/press/").content.decode()


def test_publishing_shows_at_once(db, make_item, django_capture_on_commit_callbacks):
    assert "Neue Mitglieder" not in _get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_item(title="Neue Mitglieder aus Zwickau")
    response = _get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Neue Mitglieder aus Zwickau" in response.content.decode()


def test_an_edit_shows_at_once(db, make_item, django_capture_on_commit_callbacks):
    item = make_item(title="Alter Titel")
    assert "Alter Titel" in _get(item.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        item.title = "Neuer Titel"
        item.save()  # what the admin's save does
    response = _get(item.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Neuer Titel" in response.content.decode()


def test_a_rolled_back_edit_keeps_the_cache(db, make_item, django_capture_on_commit_callbacks):
    item = make_item(title="Bleibt")
    _get(item.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=False):
        item.save()  # never committed: the callback is dropped
    assert _get(item.get_absolute_url())["X-Page-Cache"] == "hit"


def test_embargo_lifts_when_its_time_comes(db, make_item):
    due = timezone.now() + timedelta(minutes=2)
    item = make_item(title="Gesperrt bis Dienstag", published_at=due)
    assert "Gesperrt bis Dienstag" not in _get("/presse/").content.decode()
    # The generation ends exactly at the embargo.
    assert cache.get(pagecache._GEN_KEY)["until"] == pytest.approx(due.timestamp())
    # The clock passes the embargo: no write happens, the data was already there.
    NewsItem.objects.filter(pk=item.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    generation = cache.get(pagecache._GEN_KEY)
    cache.set(pagecache._GEN_KEY, {**generation, "until": time.time() - 1})
    response = _get("/presse/")
    assert response["X-Page-Cache"] == "miss"
    assert "Gesperrt bis Dienstag" in response.content.decode()


def test_event_boundaries(db, make_event):
    now = timezone.now()
    soon = now + timedelta(minutes=2)
    make_event(start=now + timedelta(days=3), registration_opens=soon)
    assert pagecache._next_boundary(now) == pytest.approx(soon.timestamp())


def test_a_registration_updates_the_free_places(db, make_event, register, django_capture_on_commit_callbacks):
    event = make_event(capacity=10)
    assert "10 von 10 Plätzen frei" in _get(event.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        register(event, email="gast@example.org")
    assert Registration.objects.count() == 1
    assert "9 von 10 Plätzen frei" in _get(event.get_absolute_url()).content.decode()


def test_a_cached_form_posts_with_the_visitors_own_csrf_token(db, make_event, settings):
    settings.FORM_MIN_FILL_SECONDS = 0
    event = make_event(capacity=10)
    first = Client(enforce_csrf_checks=True)
    html_first = _get(event.get_absolute_url(), first).content.decode()
    visitor = Client(enforce_csrf_checks=True)
    hit = _get(event.get_absolute_url(), visitor)
    assert hit["X-Page-Cache"] == "hit"
    html = hit.content.decode()
    token = _field(html, "csrfmiddlewaretoken")
    assert token != _field(html_first, "csrfmiddlewaretoken")
    assert visitor.cookies["csrftoken"].value  # a hit hands out the visitor's own CSRF cookie
    data = {
        "csrfmiddlewaretoken": token,
        "homepage": "",
        "form_started": _field(html, "form_started"),
        "name": "Anna Beispiel",
        "email": "anna@example.org",
        "places": "1",
        "consent": "on",
    }
    response = visitor.post(event.get_absolute_url(), data)
    assert response.status_code == 302
    assert Registration.objects.get().email == "anna@example.org"


def test_fill_time_and_submission_token_are_new_on_every_hit(db, settings):
    settings.FORM_MIN_FILL_SECONDS = 3
    url = reverse("members:join")
    _get(url)
    one, two = _get(url), _get(url)
    assert one["X-Page-Cache"] == two["X-Page-Cache"] == "hit"
    one, two = one.content.decode(), two.content.decode()
    assert _field(one, "submission_token") != _field(two, "submission_token")
    started = _field(one, "form_started")
    from django.core import signing

    assert time.time() - float(signing.loads(started, salt="swsdigital.core.forms.started")) < 60


def test_logged_in_visitors_and_session_cookies_bypass_the_cache(db, make_item, django_user_model):
    make_item()
    _get("/presse/")
    user = django_user_model.objects.create_user(email="m@example.org", password="x-geheim-123")
    client = Client()
    client.force_login(user)
    assert "X-Page-Cache" not in client.get("/presse/")
    with_messages = Client()
    with_messages.cookies["messages"] = "something"
    assert "X-Page-Cache" not in with_messages.get("/presse/")


def test_private_pages_are_never_stored(db):
    response = _get(reverse("account_login"))
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert "X-Page-Cache" not in _get("/presse/gibt-es-nicht/")  # a 404 is not stored


def test_large_pages_without_tokens_are_served_compressed_to_who_accepts_it(db, make_item):
    import gzip

    for n in range(3):
        make_item(title=f"Meldung {n}")
    plain = _get("/presse/")
    client = Client(headers={"accept-encoding": "gzip, deflate, br"})
    packed = client.get("/presse/")
    assert packed["X-Page-Cache"] == "hit"
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    again = _get("/presse/")  # a client without gzip gets the page as it was rendered
    assert "Content-Encoding" not in again
    assert again.content == plain.content


def test_pages_with_tokens_are_never_compressed(db):
    _get("/")
    response = Client(headers={"accept-encoding": "gzip"}).get("/")
    assert response["X-Page-Cache"] == "hit"
    assert "Content-Encoding" not in response
    assert b"csrfmiddlewaretoken" in response.content


def test_a_cached_calendar_file_is_still_a_download(db, make_event):
    event = make_event()
    url = reverse("events:ics", kwargs={"slug": event.slug})
    first = _get(url)
    hit = _get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Content-Type"] == first["Content-Type"] == "text/calendar; charset=utf-8"
    assert hit["Content-Disposition"] == first["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    assert hit.content == first.content


# --- Sections: a change renews only the pages that show what changed --------------------------------------------


@pytest.fixture
def site_pages(db, make_event, make_item):
    """One page of each kind, all stored in the cache (each visited once)."""
    event = make_event(capacity=10)
    item = make_item(title="Glasfaser für Plauen")
    urls = {
        "home": "/",
        "event": event.get_absolute_url(),
        "event_list": reverse("events:list"),
        "calendar": reverse("events:calendar"),
        "event_ics": reverse("events:ics", kwargs={"slug": event.slug}),
        "event_feed": reverse("events:feed"),
        "press": item.get_absolute_url(),
        "press_list": reverse("news:list"),
        "press_feed": reverse("news:feed_rss"),
        "sitemap": "/sitemap.xml",
        "sitemap_news": "/sitemap-news.xml",
        "directory": reverse("members:directory"),
        "join": reverse("members:join"),
        "newsletter_archive": reverse("newsletter:archive"),
        "subscribe": reverse("newsletter:subscribe"),
        "robots": "/robots.txt",
    }
    for url in urls.values():
        assert _get(url)["X-Page-Cache"] == "miss", url
    assert {name: _get(url)["X-Page-Cache"] for name, url in urls.items()} == dict.fromkeys(urls, "hit")
    return {"event": event, "item": item, "urls": urls}


def _renewed(site_pages) -> set[str]:
    """Return the names of the pages rendered again on the next visit (the others are hits)."""
    states = {name: _get(url)["X-Page-Cache"] for name, url in site_pages["urls"].items()}
    assert set(states.values()) <= {"hit", "miss"}
    return {name for name, state in states.items() if state == "miss"}


def test_a_registration_renews_the_event_pages_and_home_only(site_pages, register, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(site_pages["event"], email="gast@example.org")  # the real registration service
    assert _renewed(site_pages) == {"home", "event", "event_list", "calendar"}
    # What a registration does not show stays cached: press, members, newsletter, sitemap, calendar files.
    assert "9 von 10 Plätzen frei" in _get(site_pages["urls"]["event"]).content.decode()


def test_an_event_edit_renews_everything_that_names_events(site_pages, django_capture_on_commit_callbacks):
    event = site_pages["event"]
    with django_capture_on_commit_callbacks(execute=True):
        event.title = "Digitaltag Erzgebirge"
        event.save()
    assert _renewed(site_pages) == {
        "home", "event", "event_list", "calendar", "event_ics", "event_feed", "press", "sitemap",
    }  # fmt: skip
    # A press item links its related events; the press list, the directory and the newsletter stay cached.


def test_a_press_edit_renews_press_pages_sitemap_and_home_only(site_pages, django_capture_on_commit_callbacks):
    item = site_pages["item"]
    with django_capture_on_commit_callbacks(execute=True):
        item.title = "Glasfaser für das ganze Vogtland"
        item.save()
    assert _renewed(site_pages) == {"home", "press", "press_list", "press_feed", "sitemap", "sitemap_news"}
    assert "Glasfaser für das ganze Vogtland" in _get(site_pages["urls"]["press"]).content.decode()


def test_a_member_change_renews_the_directory_and_home_only(
    site_pages, make_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_member(name="Werkstatt Aue eG")
    assert _renewed(site_pages) == {"home", "directory", "join", "sitemap"}
    assert "Werkstatt Aue eG" in _get(site_pages["urls"]["directory"]).content.decode()


def test_a_finished_mailing_renews_the_newsletter_pages_only(site_pages, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.page_cache_invalidate("newsletter")  # what the sending service calls for a finished mailing
    assert _renewed(site_pages) == {"newsletter_archive", "subscribe"}


def test_a_site_profile_change_renews_every_page(site_pages, django_capture_on_commit_callbacks):
    from swsdigital.pages.selectors import site_profile_get
    from swsdigital.pages.services import site_profile_save

    profile = site_profile_get()
    with django_capture_on_commit_callbacks(execute=True):
        profile.city = "Annaberg-Buchholz"
        site_profile_save(profile=profile)
    assert _renewed(site_pages) == set(site_pages["urls"])
    assert "Annaberg-Buchholz" in _get(site_pages["urls"]["press_list"]).content.decode()  # the footer


def test_a_legal_page_change_renews_every_page(site_pages, django_capture_on_commit_callbacks):
    from swsdigital.pages.models import LegalPage

    with django_capture_on_commit_callbacks(execute=True):
        LegalPage.objects.create(kind="imprint", title_de="Impressum", title_en="Imprint", body_de="<p>Vorstand</p>")
    assert _renewed(site_pages) == set(site_pages["urls"])


def test_invalidating_without_a_section_renews_every_page(site_pages, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.page_cache_invalidate()
    assert _renewed(site_pages) == set(site_pages["urls"])


def test_a_rolled_back_registration_renews_nothing(site_pages, register, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        register(site_pages["event"], email="gast@example.org")  # never committed: the callbacks are dropped
    assert _renewed(site_pages) == set()


def test_an_embargo_lifts_on_time_for_the_pages_that_show_press(site_pages, make_item):
    due = timezone.now() + timedelta(minutes=2)
    with_embargo = make_item(title="Gesperrt bis Mittwoch", published_at=due)
    # The press section's generation ends exactly at the embargo; the events' and the layout's do not.
    cache.delete(pagecache._GEN_KEYS["press"])
    assert "Gesperrt bis Mittwoch" not in _get(site_pages["urls"]["press_list"]).content.decode()
    assert cache.get(pagecache._GEN_KEYS["press"])["until"] == pytest.approx(due.timestamp(), abs=1)
    assert cache.get(pagecache._GEN_KEYS["events"])["until"] > due.timestamp() + 60
    # The clock passes the embargo: no write happens, the data was already there.
    NewsItem.objects.filter(pk=with_embargo.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    generation = cache.get(pagecache._GEN_KEYS["press"])
    cache.set(pagecache._GEN_KEYS["press"], {**generation, "until": time.time() - 1})
    assert _renewed(site_pages) == {"home", "press", "press_list", "press_feed", "sitemap", "sitemap_news"}
    assert "Gesperrt bis Mittwoch" in _get(site_pages["urls"]["press_list"]).content.decode()


def test_each_section_ends_at_its_own_boundaries(db, make_event, make_item):
    now = timezone.now()
    opens = now + timedelta(minutes=2)
    embargo = now + timedelta(minutes=3)
    make_event(start=now + timedelta(days=3), registration_opens=opens)
    make_item(published_at=embargo)
    assert pagecache._next_boundary(now, "events") == pytest.approx(opens.timestamp(), abs=1)
    assert pagecache._next_boundary(now, "press") == pytest.approx(embargo.timestamp(), abs=1)
    assert pagecache._next_boundary(now, "members") > embargo.timestamp() + 60
    assert pagecache._next_boundary(now) == pytest.approx(opens.timestamp(), abs=1)  # the earliest of all


def test_every_section_a_page_shows_is_renewed_by_some_change():
    from django.urls import URLPattern, URLResolver, get_resolver

    def callbacks(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from callbacks(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern.callback

    shown = {s for view in callbacks(get_resolver().url_patterns) for s in getattr(view, "page_cache_sections", ())}
    renewed = {section for sections in pagecache._WATCHED.values() for section in sections}
    assert shown == set(pagecache.SECTIONS)
    assert renewed == set(pagecache.SECTIONS)


def test_unknown_sections_are_refused():
    with pytest.raises(ValueError, match="unknown page cache section"):
        pagecache.page_cached(sections=("event",))
    with pytest.raises(ValueError, match="unknown page cache section"):
        pagecache.page_cache_invalidate("pres")


def test_an_erasure_frees_the_place_at_once(site_pages, register, django_capture_on_commit_callbacks):
    from events.services import registrations_anonymise_for_email

    with django_capture_on_commit_callbacks(execute=True):
        register(site_pages["event"], email="gast@example.org")
    assert "9 von 10 Plätzen frei" in _get(site_pages["urls"]["event"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        registrations_anonymise_for_email(email="gast@example.org")  # cancels by update(), without a signal
    assert "10 von 10 Plätzen frei" in _get(site_pages["urls"]["event"]).content.decode()
    assert _get(site_pages["urls"]["press_list"])["X-Page-Cache"] == "hit"
