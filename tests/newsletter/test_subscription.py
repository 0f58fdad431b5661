"""Double opt-in: the form, identical answers, signed links, consent proof and clean-up."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from newsletter import services
from newsletter.models import Subscriber
from swsdigital.mail.models import OutboxEmail
from swsdigital.privacy.models import Consent

pytestmark = pytest.mark.django_db


def _subscribe(client, form_protection_data, email="anna@example.org", **extra):
    data = {**form_protection_data, "email": email, "name": "<b>Anna</b>", "language": "de", "consent": "on", **extra}
    return client.post("/newsletter/", data, REMOTE_ADDR="203.0.113.7")


def _confirm_url(email: str) -> str:
    mail = OutboxEmail.objects.filter(to=email, template="newsletter/confirm").latest("pk")
    [url] = [word for word in mail.body_text.split() if "/newsletter/bestaetigen/" in word]
    return url.replace("http://127.0.0.1:8000", "")


def test_subscription_page_renders_in_both_languages(client, topics):
    german = client.get("/newsletter/").content.decode()
    assert "Veranstaltungen" in german and 'name="email"' in german
    english = client.get("/en/newsletter/").content.decode()
    assert "Funding" in english


def test_double_opt_in_records_consent_and_confirms(client, form_protection_data, topics):
    response = _subscribe(client, form_protection_data, topics=[topics[0].pk])
    assert response.status_code == 302 and response["Location"] == "/newsletter/danke/"
    subscriber = Subscriber.objects.get(email="anna@example.org")
    assert subscriber.status == Subscriber.Status.PENDING
    assert list(subscriber.topics.all()) == [topics[0]]
    mail = OutboxEmail.objects.get(to="anna@example.org")
    assert "Anna" not in mail.body_html and "<b>" not in mail.body_html  # the name is never echoed
    assert "Newsletter" in mail.subject
    consent = subscriber.consent
    assert consent.text.key == "newsletter" and consent.text.version == 1
    assert consent.given_ip == "203.0.113.7" and consent.given_at.microsecond == 0
    assert consent.source == "newsletter page" and consent.confirmed_at is None

    url = _confirm_url("anna@example.org")
    page = client.get(url)
    assert page.status_code == 200 and "Anmeldung bestätigen" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING  # a GET (mail scanner) confirms nothing

    done = client.post(url, REMOTE_ADDR="198.51.100.9")
    assert done.status_code == 200
    subscriber.refresh_from_db()
    consent.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert consent.confirmed_ip == "198.51.100.9" and consent.confirmed_at.microsecond == 0
    assert consent.confirmed_at >= consent.given_at


def test_the_answer_is_the_same_for_new_pending_and_subscribed_addresses(
    client, form_protection_data, make_subscriber, topics
):
    make_subscriber("known@example.org")
    Subscriber.objects.create(email="pending@example.org", status=Subscriber.Status.PENDING)
    answers = []
    for email in ("new@example.org", "pending@example.org", "known@example.org"):
        response = _subscribe(client, form_protection_data, email=email)
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], page.content.decode()))
    assert answers[0] == answers[1] == answers[2]
    # The subscribed address is not changed by a stranger, but its owner hears about it.
    assert Subscriber.objects.get(email="known@example.org").status == Subscriber.Status.CONFIRMED
    assert OutboxEmail.objects.filter(to="known@example.org", template="newsletter/already_subscribed").exists()
    assert OutboxEmail.objects.filter(to="pending@example.org", template="newsletter/confirm").exists()


def test_repeated_requests_send_one_confirmation(client, form_protection_data):
    _subscribe(client, form_protection_data)
    _subscribe(client, form_protection_data)
    assert OutboxEmail.objects.filter(to="anna@example.org").count() == 1


def test_expired_confirmation_link_is_refused_with_a_message(client, form_protection_data):
    _subscribe(client, form_protection_data)
    url = _confirm_url("anna@example.org")
    later = timezone.now().timestamp() + 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(url)
    assert response.status_code == 400
    assert "abgelaufen" in response.content.decode()
    assert Subscriber.objects.get(email="anna@example.org").status == Subscriber.Status.PENDING


def test_link_valid_on_the_sixth_day(client, form_protection_data):
    _subscribe(client, form_protection_data)
    url = _confirm_url("anna@example.org")
    later = timezone.now().timestamp() + 6 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.post(url).status_code == 200
    assert Subscriber.objects.get(email="anna@example.org").status == Subscriber.Status.CONFIRMED


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2] + ("yy" if t.endswith("xx") else "xx"), lambda t: "x" + t, lambda t: "garbage"]
)
def test_tampered_links_are_refused(client, form_protection_data, make_subscriber, mangle):
    _subscribe(client, form_protection_data)
    token = _confirm_url("anna@example.org").rstrip("/").rsplit("/", 1)[-1]
    response = client.post(f"/newsletter/bestaetigen/{mangle(token)}/")
    assert response.status_code == 400
    assert "nicht gültig" in response.content.decode()
    subscriber = make_subscriber("bob@example.org")
    forged = signing.Signer(salt="wrong").sign(subscriber.key)
    assert client.post(f"/newsletter/abmelden/{forged}/").status_code == 400
    assert Subscriber.objects.get(email="bob@example.org").status == Subscriber.Status.CONFIRMED


def test_confirmation_link_cannot_resubscribe_after_unsubscribe(client, form_protection_data):
    _subscribe(client, form_protection_data)
    url = _confirm_url("anna@example.org")
    client.post(url)
    services.subscriber_unsubscribe(subscriber=Subscriber.objects.get(email="anna@example.org"))
    assert client.post(url).status_code == 400
    assert Subscriber.objects.get(email="anna@example.org").status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-address"}, "gültige E-Mail-Adresse"),
        ({"consent": ""}, "zwingend erforderlich"),
        ({"homepage": "http://spam.example"}, "form-errors"),
    ],
)
def test_bad_input_gets_a_translated_message_not_an_error(client, form_protection_data, data, message):
    response = _subscribe(client, form_protection_data, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscriber.objects.exists()


def test_subscribing_is_rate_limited_per_ip(client, form_protection_data):
    for i in range(10):
        _subscribe(client, form_protection_data, email=f"p{i}@example.org")
    assert _subscribe(client, form_protection_data, email="p11@example.org").status_code == 429


def test_the_sign_up_limit_comes_from_the_settings(client, form_protection_data, settings):
    settings.NEWSLETTER_SUBSCRIBE_RATE_LIMIT = 2
    for i in range(2):
        assert _subscribe(client, form_protection_data, email=f"s{i}@example.org").status_code == 302
    assert _subscribe(client, form_protection_data, email="s3@example.org").status_code == 429


def test_home_page_box_posts_to_the_subscribe_view(form_protection_data):
    client = Client(enforce_csrf_checks=True)
    html = client.get("/").content.decode()
    assert 'action="/newsletter/"' in html and 'name="consent"' in html and 'name="form_started"' in html
    csrf = client.cookies["csrftoken"].value
    data = {
        **form_protection_data,
        "csrfmiddlewaretoken": csrf,
        "source": "home",
        "language": "de",
        "email": "box@example.org",
        "consent": "on",
    }
    assert client.post("/newsletter/", data).status_code == 302
    assert Subscriber.objects.get(email="box@example.org").consent.source == "home page box"


def test_unconfirmed_requests_are_deleted_after_thirty_days(make_subscriber):
    old = services.subscriber_subscribe(email="old@example.org", language="de", source="test")
    fresh = services.subscriber_subscribe(email="fresh@example.org", language="de", source="test")
    confirmed = make_subscriber("kept@example.org")
    Subscriber.objects.filter(pk__in=[old.pk, confirmed.pk]).update(created_at=timezone.now() - timedelta(days=31))
    assert services.subscribers_unconfirmed_delete() == 1
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"fresh@example.org", "kept@example.org"}
    assert not Consent.objects.filter(email="old@example.org").exists()
    assert fresh.pk


def test_clean_up_drops_old_unconfirmed_requests_of_people_who_confirmed_a_later_one():
    first = services.subscriber_subscribe(email="zweimal@example.org", language="de", source="test")
    old_consent = first.consent
    Consent.objects.filter(pk=old_consent.pk).update(given_at=timezone.now() - timedelta(days=40))
    Subscriber.objects.filter(pk=first.pk).update(confirmation_sent_at=timezone.now() - timedelta(days=40))
    second = services.subscriber_subscribe(email="zweimal@example.org", language="de", source="test")
    services.subscriber_confirm(token=services.confirm_token(second))
    second.refresh_from_db()
    assert second.status == Subscriber.Status.CONFIRMED and second.consent_id != old_consent.pk
    assert services.subscribers_unconfirmed_delete() == 0
    assert list(Consent.objects.filter(email="zweimal@example.org").values_list("pk", flat=True)) == [second.consent_id]
    assert Consent.objects.get(pk=second.consent_id).confirmed_at is not None


def _started(seconds_ago: float) -> str:
    import time

    return signing.dumps(time.time() - seconds_ago, salt="swsdigital.core.forms.started")


@pytest.mark.parametrize("source", ["home", ""], ids=["box", "page"])
def test_a_person_who_autofills_the_one_field_box_in_under_three_seconds_is_not_taken_for_a_bot(
    client, settings, source
):
    settings.FORM_MIN_FILL_SECONDS = 3
    data = {"source": source, "language": "de", "email": "schnell@example.org", "consent": "on", "homepage": ""}
    # Autofill the address, tick the box, press the button: a second and a half after the page came.
    response = client.post("/newsletter/", {**data, "form_started": _started(1.5)})
    assert response.status_code == 302
    assert Subscriber.objects.filter(email="schnell@example.org").exists()


def test_the_box_still_refuses_a_submission_at_once(client, settings):
    settings.FORM_MIN_FILL_SECONDS = 3
    data = {"language": "de", "email": "bot@example.org", "consent": "on", "homepage": "", "form_started": _started(0)}
    response = client.post("/newsletter/", data)
    assert response.status_code == 400 and response.context["form"].has_error("__all__", code="too_fast")
    assert not Subscriber.objects.exists()


def test_the_fill_time_scales_with_what_a_person_must_fill_in(settings, membership_type_for_fill_time):
    from members.forms import ApplicationForm, LinkResendForm
    from newsletter.forms import SubscribeForm

    settings.FORM_MIN_FILL_SECONDS = 3
    assert SubscribeForm(data={})._min_fill_seconds() == 1.0  # email and consent; the language list starts chosen
    assert LinkResendForm(data={})._min_fill_seconds() == 0.5
    assert ApplicationForm(data={})._min_fill_seconds() == 3  # a long form: the setting is the ceiling
    settings.FORM_MIN_FILL_SECONDS = 0
    assert SubscribeForm(data={})._min_fill_seconds() == 0


@pytest.fixture
def membership_type_for_fill_time(db):
    from members.models import MembershipType

    return MembershipType.objects.create(slug="klein", name_de="Klein", category="company", annual_fee="240.00")
