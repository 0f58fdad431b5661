"""Hardening not covered elsewhere: the idle session timeout; own 400, 403, 429 and 500 pages in both languages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, django_user_model):
    user = django_user_model.objects.create_user(email="clara@example.org", password="x-very-long-pass")
    client.force_login(user)
    return client


def test_every_request_moves_the_idle_timeout_forward(member_client, settings):
    response = member_client.get("/")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"]


def test_session_idle_longer_than_the_timeout_is_logged_out(member_client):
    session = member_client.session
    session.set_expiry(timezone.now() - timedelta(seconds=1))  # the last request was longer ago than the idle time
    session.save()
    member_client.get("/")
    assert "_auth_user_id" not in member_client.session


@pytest.mark.parametrize(
    ("language", "heading"),
    [("de", "Die Anfrage konnte nicht verarbeitet werden"), ("en", "The request could not be understood")],
)
def test_own_400_page_in_both_languages(client, language, heading):
    with translation.override(language):
        path = reverse("events:feed")
    response = client.get(path, {"series": "\x00"})
    assert response.status_code == 400
    assert heading in response.content.decode()


def test_own_403_page(member_client):
    response = member_client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "Zugriff verweigert" in response.content.decode()


@pytest.mark.urls("tests.core.urls_errors")
@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [("/forbidden/", "de", "Zugriff verweigert"), ("/en/forbidden/", "en", "Access denied")],
)
def test_own_403_page_follows_the_pages_language(client, path, lang, heading):
    response = client.get(path)
    assert response.status_code == 403
    html = response.content.decode()
    assert heading in html and f'lang="{lang}"' in html


@pytest.mark.urls("tests.core.urls_errors")
@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [("/limited/", "de", "Zu viele Anfragen"), ("/en/limited/", "en", "Too many requests")],
)
def test_own_429_page_in_both_languages(client, path, lang, heading):
    assert client.post(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert heading in html and f'lang="{lang}"' in html


@pytest.mark.urls("tests.core.urls_errors")
@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [("/broken/", "de", "Bei uns ist etwas schiefgegangen"), ("/en/broken/", "en", "Something went wrong on our side")],
)
def test_own_500_page_in_both_languages_without_details(path, lang, heading):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 500
    html = response.content.decode()
    assert heading in html and f'lang="{lang}"' in html
    assert "RuntimeError" not in html and "Traceback" not in html
