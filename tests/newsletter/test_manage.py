"""Personal links: preferences, unsubscribe page, and the RFC 8058 one-click POST."""

import pytest
from django.test import Client

from newsletter import services
from newsletter.models import Delivery, Subscriber
from swsdigital.privacy.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(make_subscriber, topics):
    subscriber = services.subscriber_subscribe(email="anna@example.org", language="de", source="test")
    services.subscriber_confirm(token=services.confirm_token(subscriber))
    subscriber.refresh_from_db()
    return subscriber


def test_one_click_post_without_cookies_or_csrf_unsubscribes(anna):
    client = Client(enforce_csrf_checks=True)  # a mail provider: no session, no CSRF token
    token = services.manage_token(anna.key)
    response = client.post(
        f"/newsletter/abmelden/{token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    anna.refresh_from_db()
    assert anna.status == Subscriber.Status.UNSUBSCRIBED and anna.unsubscribed_at
    assert Consent.objects.get(pk=anna.consent_id).withdrawn_at is not None
    assert not client.cookies  # nothing was set on the way


def test_english_one_click_url_works_too(anna):
    token = services.manage_token(anna.key)
    response = Client(enforce_csrf_checks=True).post(
        f"/en/newsletter/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert Subscriber.objects.get(pk=anna.pk).status == Subscriber.Status.UNSUBSCRIBED


def test_get_only_asks_link_scanners_unsubscribe_nobody(client, anna):
    token = services.manage_token(anna.key)
    page = client.get(f"/newsletter/abmelden/{token}/")
    assert page.status_code == 200 and "Newsletter abbestellen" in page.content.decode()
    assert Subscriber.objects.get(pk=anna.pk).status == Subscriber.Status.CONFIRMED
    done = client.post(f"/newsletter/abmelden/{token}/")
    assert "erhält keinen Newsletter mehr" in done.content.decode()


def test_unsubscribe_skips_queued_deliveries(anna, sending):
    services.mailing_deliveries_prepare(mailing_id=sending.pk)
    services.subscriber_unsubscribe(subscriber=anna)
    assert Delivery.objects.get(mailing=sending, subscriber=anna).status == Delivery.Status.SKIPPED


def test_preferences_change_topics_and_language(client, anna, topics):
    token = services.manage_token(anna.key)
    page = client.get(f"/newsletter/einstellungen/{token}/")
    assert page.status_code == 200 and "anna@example.org" in page.content.decode()
    response = client.post(f"/newsletter/einstellungen/{token}/", {"language": "en", "topics": [topics[1].pk]})
    assert response.status_code == 200 and "gespeichert" in response.content.decode()
    anna.refresh_from_db()
    assert anna.language == "en" and list(anna.topics.all()) == [topics[1]]


def test_preferences_bad_input_is_a_message(client, anna):
    token = services.manage_token(anna.key)
    response = client.post(f"/newsletter/einstellungen/{token}/", {"language": "xx"})
    assert response.status_code == 400 and "keine gültige Auswahl" in response.content.decode()


def test_tampered_preferences_link(client, anna):
    token = services.manage_token(anna.key)
    tampered = token[:-1] + ("B" if token.endswith("A") else "A")  # always a different last character
    assert client.get(f"/newsletter/einstellungen/{tampered}/").status_code == 400
    assert client.post(f"/newsletter/abmelden/{anna.key}/").status_code == 400
