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
