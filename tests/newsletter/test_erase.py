"""A subscriber's "delete all my data" (issue 13): the preferences link is the only proof, so it is tested as
an attacker would use it — garbage, someone else's link, a replay after the erasure, no CSRF token."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import services as events_services
from events.models import Event, Registration, Venue
from members.models import Contact, User
from newsletter import services
from newsletter.models import Delivery, Mailing, Subscriber
from swsdigital.mail.models import OutboxEmail
from swsdigital.mail.services import email_queue
from swsdigital.privacy.models import Consent, ErasureRecord
from tests.members.factories import member_admitted

pytestmark = pytest.mark.django_db

EMAIL = "lena.lesefreude@example.org"
OTHER = "olaf.anders@example.org"


def _subscribe(email: str, name: str) -> Subscriber:
    subscriber = services.subscriber_subscribe(email=email, language="de", source="form", name=name)
    services.subscriber_confirm(token=services.confirm_token(subscriber))
    subscriber.refresh_from_db()
    return subscriber


@pytest.fixture
def lena():
    """A confirmed subscriber with deliveries, who also registered for an event and was sent mail."""
    subscriber = _subscribe(EMAIL, "Lena Lesefreude")
    Delivery.objects.create(mailing=Mailing.objects.create(subject="Ausgabe 3", body="Hallo"), subscriber=subscriber)
    start = timezone.now() + timedelta(days=5)
    event = Event.objects.create(
        title="Lesecafé", slug="lesecafe", start=start, end=start + timedelta(hours=2),
        status=Event.Status.PUBLISHED, venue=Venue.objects.get_or_create(name="Stadtbibliothek")[0],
    )  # fmt: skip
    events_services.registration_create(event=event, name="Lena Lesefreude", email=EMAIL)
    email_queue(to=EMAIL, subject="Hallo Lena", text="Text", html="")
    return subscriber


@pytest.fixture
def olaf():
    return _subscribe(OTHER, "Olaf Anders")


def _url(subscriber: Subscriber) -> str:
    return reverse("newsletter:erase", kwargs={"token": services.manage_token(subscriber.key)})


def test_paths_are_translated():
    from django.utils import translation

    with translation.override("de"):
        assert reverse("newsletter:erase", kwargs={"token": "t"}) == "/newsletter/einstellungen/t/loeschen/"
        assert reverse("newsletter:erased") == "/newsletter/geloescht/"
    with translation.override("en"):
        assert reverse("newsletter:erase", kwargs={"token": "t"}) == "/en/newsletter/preferences/t/delete/"


def test_the_preferences_page_offers_to_delete_all_data(client, lena):
    token = services.manage_token(lena.key)
    html = client.get(reverse("newsletter:preferences", kwargs={"token": token})).content.decode()
    assert f'href="{_url(lena)}"' in html and "Alle meine Daten löschen" in html


def test_get_shows_what_is_held_and_deletes_nothing(client, lena, olaf):
    response = client.get(_url(lena))
    assert response.status_code == 200
    kinds = {h.kind for h in response.context["preview"].holdings}
    assert {"newsletter.subscriber", "newsletter.delivery", "events.registration", "mail.outboxemail"} <= kinds
    html = response.content.decode()
    assert EMAIL in html and OTHER not in html and "csrfmiddlewaretoken" in html
    assert Subscriber.objects.filter(pk=lena.pk).exists() and not ErasureRecord.objects.exists()


def test_confirming_erases_everything_for_the_address_and_nothing_else(client, lena, olaf):
    response = client.post(_url(lena))
    assert response.status_code == 302 and response["Location"] == reverse("newsletter:erased")
    assert client.get(response["Location"]).status_code == 200
    assert not Subscriber.objects.filter(email=EMAIL).exists()
    assert not Delivery.objects.filter(subscriber_id=lena.pk).exists()
    assert not Registration.objects.filter(email=EMAIL).exists()
    assert Registration.objects.filter(anonymised_at__isnull=False).count() == 1
    assert not OutboxEmail.objects.filter(to=EMAIL).exists()
    assert not Consent.objects.filter(email=EMAIL).exists()
    assert Subscriber.objects.filter(pk=olaf.pk, status=Subscriber.Status.CONFIRMED).exists()
    record = ErasureRecord.objects.get()
    assert record.via == ErasureRecord.Via.SELF and record.by is None
    assert EMAIL not in json.dumps(record.holdings) and "Lena" not in json.dumps(record.holdings)


def test_a_replayed_confirm_says_already_deleted(client, lena):
    url = _url(lena)
    assert client.post(url).status_code == 302
    for method in (client.post, client.get):
        response = method(url)
        assert response.status_code == 200
        assert response.templates[0].name == "newsletter/erase_gone.html"
        assert EMAIL not in response.content.decode()
    assert ErasureRecord.objects.count() == 1
    # The other links of the old mail lead to the ordinary invalid-link page, as before.
    token = services.manage_token(lena.key)
    assert client.get(reverse("newsletter:preferences", kwargs={"token": token})).status_code == 400


def test_the_confirm_needs_the_csrf_token(lena):
    client = Client(enforce_csrf_checks=True)
    assert client.post(_url(lena)).status_code == 403
    assert Subscriber.objects.filter(pk=lena.pk).exists() and not ErasureRecord.objects.exists()
    html = client.get(_url(lena)).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert client.post(_url(lena), {"csrfmiddlewaretoken": token}).status_code == 302
    assert not Subscriber.objects.filter(pk=lena.pk).exists()


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "x" * 2000,
        "a:b:c",
        "ä€𝄞",
        signing.Signer(salt="newsletter.confirm").sign("whatever"),  # signed, but for another purpose
        signing.Signer(salt="newsletter.manage").sign("a" * 40)[:-3] + "AAA",  # tampered signature
        signing.Signer(salt="newsletter.manage").sign("no-such-key")[:-1],  # cut short
    ],
)
def test_bad_tokens_get_the_invalid_link_page_and_leak_nothing(client, lena, token):
    for method in (client.get, client.post):
        response = method(reverse("newsletter:erase", kwargs={"token": token}))
        assert response.status_code == 400, response.status_code
        assert response.templates[0].name == "newsletter/invalid_link.html"
        html = response.content.decode()
        assert EMAIL not in html and "Lesecafé" not in html
    nul = reverse("newsletter:erase", kwargs={"token": "TOKEN"}).replace("TOKEN", "%00")
    assert client.post(nul).status_code == 400
    assert Subscriber.objects.filter(pk=lena.pk).exists() and not ErasureRecord.objects.exists()


def test_another_subscribers_token_shows_and_erases_only_that_subscriber(client, lena, olaf):
    html = client.get(_url(olaf)).content.decode()
    assert OTHER in html and EMAIL not in html and "Lesecafé" not in html
    client.post(_url(olaf))
    assert not Subscriber.objects.filter(pk=olaf.pk).exists()
    assert Subscriber.objects.filter(pk=lena.pk).exists()
    assert Registration.objects.filter(email=EMAIL).exists()


def test_a_confirmation_token_is_no_erasure_token(client, lena):
    """The confirmation link's token (timestamped, another salt) must not open the erasure."""
    token = services.confirm_token(lena)
    assert client.post(reverse("newsletter:erase", kwargs={"token": token})).status_code == 400
    assert Subscriber.objects.filter(pk=lena.pk).exists()


def test_an_address_with_an_account_is_sent_to_log_in(client, django_user_model):
    """A forwarded newsletter must not delete the recipient's account: that needs the password."""
    member = member_admitted(email="chefin@example.org")
    user = django_user_model.objects.create_user(email=EMAIL, password="ein-sicheres-passwort-42")
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    Contact.objects.create(member=member, user=user, first_name="Lena", last_name="Lesefreude", email=EMAIL)
    subscriber = _subscribe(EMAIL, "Lena Lesefreude")
    response = client.get(_url(subscriber))
    html = response.content.decode()
    assert response.status_code == 200 and "preview" not in response.context
    assert reverse("account_login") in html and "Lesefreude" not in html and member.name not in html
    assert client.post(_url(subscriber)).status_code == 403
    assert User.objects.filter(pk=user.pk).exists() and Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert not ErasureRecord.objects.exists()


def test_an_unconfirmed_subscriber_can_erase_too(client):
    subscriber = services.subscriber_subscribe(email=EMAIL, language="de", source="form")
    assert client.post(_url(subscriber)).status_code == 302
    assert not Subscriber.objects.filter(email=EMAIL).exists()
