"""Hostile input to every public form and query parameter: never a server error, nothing stored when rejected.

Hypothesis sends random text with control characters (NUL included), overlong strings, huge numbers,
malformed dates, unknown choices, script tags and repeated values where one is expected.
"""

import time
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.models import Event, Registration, Venue
from members.models import MembershipApplication, MembershipType, Region
from newsletter.models import Subscriber
from newsletter.models import Topic as NewsletterTopic
from newsletter.services.tokens import manage_token
from swsdigital.mail.models import OutboxEmail
from swsdigital.privacy.models import Consent
from tests.conftest import protected

FUZZ = hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
_control = st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=20)
_overlong = st.builds(lambda c, n: c * n, st.characters(codec="utf-8"), st.integers(201, 20_000))
_number = st.integers(min_value=-(10**40), max_value=10**40).map(str)
_nasty = st.sampled_from([
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "\x00", "a\x00b", "2024-13-45", "9999-99",
    "2026-02-30", "0000-00", "-1", "0", "1e309", "NaN", "Infinity", "' OR 1=1 --", "../../etc/passwd", "%00",
    "javascript:alert(1)", "unknown-choice", "😀" * 50, "\u202e", "https://" + "a" * 300 + ".example",
])  # fmt: skip
HOSTILE = st.one_of(_text, _control, _overlong, _number, _nasty)
VALUE = st.one_of(HOSTILE, st.lists(HOSTILE, min_size=2, max_size=3))  # a list: the same field sent repeatedly


def _counts() -> dict:
    models = (MembershipApplication, Registration, Subscriber, get_user_model(), OutboxEmail, Consent)
    return {model.__name__: model.objects.count() for model in models}


def _post(client, path: str, data: dict):
    cache.clear()  # every example starts below the rate limits
    before = _counts()
    response = client.post(path, data)
    assert response.status_code < 500, (path, data)
    if response.status_code != 302:  # rejected: nothing stored, nothing sent
        assert _counts() == before, (path, data)
    return response


@pytest.fixture
def membership_type(db) -> MembershipType:
    return MembershipType.objects.create(
        slug="unternehmen-klein", name_de="Unternehmen", name_en="Company", category="company",
        annual_fee=Decimal("240.00"),
    )  # fmt: skip


@pytest.fixture
def event(db) -> Event:
    start = timezone.now() + timedelta(days=10)
    return Event.objects.create(
        title="SmartRailCampus", slug="smartrailcampus", teaser="Bahn", description="Vorträge.", start=start,
        end=start + timedelta(hours=3), format=Event.Format.IN_PERSON,
        venue=Venue.objects.get_or_create(name="Werkbank32")[0], status=Event.Status.PUBLISHED,
        region=Event.Region.MITTELSACHSEN, capacity=500,
    )  # fmt: skip


def _application(membership_type: MembershipType, protection: dict) -> dict:
    return {
        "name": "Erzgebirge Software GmbH", "legal_form": "GmbH", "sector": "Software", "employee_band": "10-49",
        "street": "Bahnhofstraße 12", "postcode": "09456", "city": "Annaberg-Buchholz",
        "region": Region.ERZGEBIRGSKREIS, "website": "https://erzgebirge-software.example",
        "description": "Software für den Mittelstand.", "salutation": "ms", "title": "Dr.", "first_name": "Anna",
        "last_name": "Schubert", "role": "Geschäftsführerin", "email": "anna.schubert@example.org",
        "phone": "03733 123456", "membership_type": str(membership_type.pk), "statutes": "on", "privacy": "on",
        "directory_listed": "on", "directory_fields": ["logo", "description", "website"],
        "submission_token": uuid.uuid4().hex, "contacts-TOTAL_FORMS": "2", "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0", "contacts-MAX_NUM_FORMS": "5", **protection,
    }  # fmt: skip


APPLICATION_FIELDS = [
    "name", "legal_form", "sector", "employee_band", "street", "postcode", "city", "region", "website",
    "description", "salutation", "title", "first_name", "last_name", "role", "email", "phone", "membership_type",
    "topics", "statutes", "privacy", "directory_fields", "submission_token", "sepa_iban", "sepa_bic",
    "sepa_account_holder", "contacts-TOTAL_FORMS", "contacts-INITIAL_FORMS", "contacts-0-email",
    "contacts-0-first_name", "homepage", "form_started",
]  # fmt: skip


@pytest.mark.django_db
@FUZZ
@given(field=st.sampled_from(APPLICATION_FIELDS), value=VALUE)
def test_membership_application(client, membership_type, form_protection_data, field, value):
    _post(client, "/mitglied-werden/", {**_application(membership_type, form_protection_data), field: value})


@pytest.mark.django_db
@FUZZ
@given(data=st.dictionaries(st.sampled_from(APPLICATION_FIELDS), VALUE, max_size=8))
def test_membership_application_with_only_hostile_fields(client, membership_type, form_protection_data, data):
    _post(client, "/mitglied-werden/", {**form_protection_data, **data})


REGISTRATION_FIELDS = ["name", "email", "organisation", "places", "consent", "homepage", "form_started", "action"]


@pytest.mark.django_db
@FUZZ
@given(field=st.sampled_from(REGISTRATION_FIELDS), value=VALUE)
def test_event_registration(client, event, form_protection_data, field, value):
    data = {"name": "Clara Vogt", "email": "clara@example.org", "places": "1", "consent": "on"}
    _post(client, event.get_absolute_url(), {**data, **form_protection_data, field: value})


@pytest.mark.django_db
@FUZZ
@given(
    field=st.sampled_from(["email", "name", "language", "topics", "consent", "homepage", "form_started"]), value=VALUE
)
def test_newsletter_subscribe(client, form_protection_data, field, value):
    NewsletterTopic.objects.get_or_create(slug="events", defaults={"name_de": "Termine", "name_en": "Events"})
    data = {"email": "jonas@example.org", "language": "de", "consent": "on"}
    _post(client, "/newsletter/", {**data, **form_protection_data, field: value})


@pytest.mark.django_db
@FUZZ
@given(field=st.sampled_from(["language", "topics", "action"]), value=VALUE, token=st.one_of(st.none(), HOSTILE))
def test_newsletter_preferences(client, field, value, token):
    subscriber, _created = Subscriber.objects.get_or_create(
        email="leser@example.org",
        defaults={"language": "de", "status": Subscriber.Status.CONFIRMED, "source": "test"},
    )
    path_token = manage_token(subscriber.key) if token is None else token.replace("/", "")
    before = (subscriber.language, list(subscriber.topics.all()))
    cache.clear()
    response = client.post(f"/newsletter/einstellungen/{path_token or 'x'}/", {"language": "en", field: value})
    assert response.status_code < 500
    subscriber.refresh_from_db()
    if response.status_code != 200:
        assert (subscriber.language, list(subscriber.topics.all())) == before


@pytest.mark.django_db
@FUZZ
@given(login=VALUE, password=VALUE, remember=VALUE)
def test_login(client, login, password, remember):
    response = _post(client, "/konto/login/", protected({"login": login, "password": password, "remember": remember}))
    assert "_auth_user_id" not in client.session, response


@pytest.mark.django_db
@FUZZ
@given(email=VALUE, password1=VALUE, password2=VALUE)
def test_signup(client, email, password1, password2):
    _post(client, "/konto/signup/", protected({"email": email, "password1": password1, "password2": password2}))


@pytest.mark.django_db
@FUZZ
@given(email=VALUE)
def test_password_reset(client, email):
    _post(client, "/konto/password/reset/", protected({"email": email}))


QUERY_PAGES = {
    "events:list": ["series", "topic", "format", "region", "page"],
    "events:archive": ["series", "topic", "format", "region", "page"],
    "events:calendar": ["month", "series", "topic", "format", "region"],
    "events:feed": ["series", "topic"],
    "news:list": ["q", "kind", "topic", "year", "page"],
    "members:directory": ["q", "region", "type", "topic", "page"],
    "newsletter:archive": ["page"],
    "pages:home": ["page", "q"],
}


@pytest.mark.django_db
@FUZZ
@given(name=st.sampled_from(sorted(QUERY_PAGES)), language=st.sampled_from(["de", "en"]), data=st.data())
def test_query_parameters(client, name, language, data):
    names = QUERY_PAGES[name]
    params = data.draw(st.dictionaries(st.sampled_from(names), VALUE, min_size=1, max_size=len(names)))
    with translation.override(language):
        path = reverse(name)
    cache.clear()
    response = client.get(path, params)
    assert response.status_code in (200, 400), (path, params, response.status_code)


def test_the_fuzzed_submissions_start_from_accepted_ones(client, membership_type, event, form_protection_data):
    """Without a hostile field each form accepts the submission, so the fuzz tests reach past validation."""
    before = _counts()
    assert _post(client, "/mitglied-werden/", _application(membership_type, form_protection_data)).status_code == 302
    data = {"name": "Clara Vogt", "email": "clara@example.org", "places": "1", "consent": "on"}
    assert _post(client, event.get_absolute_url(), {**data, **form_protection_data}).status_code == 302
    data = {"email": "jonas@example.org", "language": "de", "consent": "on"}
    assert _post(client, "/newsletter/", {**data, **form_protection_data}).status_code == 302
    after = _counts()
    assert [after[name] - before[name] for name in ("MembershipApplication", "Registration", "Subscriber")] == [1, 1, 1]


_STARTED_SALT = "swsdigital.core.forms.started"
PROTECTION = {
    "person": lambda: protected({}),
    "honeypot": lambda: protected({"homepage": "https://spam.example"}),
    "too-fast": lambda: {"homepage": "", "form_started": signing.dumps(time.time(), salt=_STARTED_SALT)},
}


@pytest.mark.django_db
@pytest.mark.parametrize("sender", sorted(PROTECTION))
@pytest.mark.parametrize("form", ["application", "registration", "newsletter", "login", "signup", "reset"])
def test_every_public_form_refuses_the_honeypot_and_a_too_fast_submission(client, membership_type, event, form, sender):
    """The same submission is accepted from a person and refused, storing nothing, from a bot."""
    user = get_user_model().objects.create_user(email="known@example.org", password="ein-sicheres-passwort-42")
    password = "Fichtelberg-1215-m"
    submissions = {
        "application": ("/mitglied-werden/", _application(membership_type, {})),
        "registration": (
            event.get_absolute_url(),
            {"name": "Clara", "email": "c@example.org", "places": "1", "consent": "on"},
        ),
        "newsletter": ("/newsletter/", {"email": "jonas@example.org", "language": "de", "consent": "on"}),
        "login": (reverse("account_login"), {"login": user.email, "password": "ein-sicheres-passwort-42"}),
        "signup": (
            reverse("account_signup"),
            {"email": "neu@example.org", "password1": password, "password2": password},
        ),
        "reset": (reverse("account_reset_password"), {"email": user.email}),
    }
    path, data = submissions[form]
    response = _post(client, path, {**data, **PROTECTION[sender]()})
    if sender == "person":
        assert response.status_code == 302, form
        return
    # The form again with a message; _post has checked that nothing was stored or sent.
    assert response.status_code in (200, 400) and response.context["form"].errors, form
    assert "_auth_user_id" not in client.session


KNOWN_HOSTILE = ["\x00", "a\x00b", "<script>alert(1)</script>", "9" * 400, "x" * 5000, "2024-13-45", "-1", "1e309"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(QUERY_PAGES))
def test_every_query_parameter_with_known_hostile_values(client, name):
    """The values Hypothesis may not draw in 40 examples, sent to every parameter in both languages."""
    for language in ("de", "en"):
        with translation.override(language):
            path = reverse(name)
        for param in QUERY_PAGES[name]:
            for value in [*KNOWN_HOSTILE, KNOWN_HOSTILE[:3]]:
                response = client.get(path, {param: value})
                assert response.status_code in (200, 400), (path, param, value, response.status_code)


FORM_HOSTILE = ["\x00", "a\x00b", "x" * 5000, "<script>alert(1)</script>", ["1", "\x00"]]


@pytest.mark.django_db
def test_every_form_field_with_known_hostile_values(client, membership_type, event, form_protection_data):
    """NUL (refused by PostgreSQL), overlong and repeated values in every field of every public form."""
    registration = {"name": "Clara Vogt", "email": "clara@example.org", "places": "1", "consent": "on"}
    subscription = {"email": "jonas@example.org", "language": "de", "consent": "on"}
    forms = [
        ("/mitglied-werden/", lambda: _application(membership_type, form_protection_data), APPLICATION_FIELDS),
        (event.get_absolute_url(), lambda: {**registration, **form_protection_data}, REGISTRATION_FIELDS),
        ("/newsletter/", lambda: {**subscription, **form_protection_data}, ["email", "name", "language", "topics"]),
        ("/konto/login/", lambda: {"login": "a@example.org", "password": "x"}, ["login", "password", "remember"]),
        ("/konto/signup/", lambda: {"email": "b@example.org", "password1": "x"}, ["email", "password1", "password2"]),
        ("/konto/password/reset/", lambda: {"email": "c@example.org"}, ["email"]),
    ]
    for path, base, fields in forms:
        for field in fields:
            for value in FORM_HOSTILE:
                _post(client, path, {**base(), field: value})
