"""Every public form under a double submit (issue 12): the same browser session posts twice at the same
moment, as a double click on a slow connection does. One record, one email, a friendly page for the second
request, on SQLite and PostgreSQL, through a real multi-threaded server."""

import pytest

from swsdigital.mail.models import OutboxEmail
from tests.events.conftest import make_event  # noqa: F401 - the apps' factories, as fixtures here
from tests.harness import Visitor, simultaneously
from tests.members.conftest import make_application, membership_type  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _people_not_bots(settings):
    settings.FORM_MIN_FILL_SECONDS = 0


def _twice(visitor: Visitor, path: str, data: dict) -> list[tuple[int, str]]:
    results = simultaneously([lambda: visitor.request(path, data)[:2] for _ in range(2)])
    assert not [r for r in results if isinstance(r, BaseException)], results
    return results


def _friendly(results, *, ok=(200, 302)):
    statuses = [status for status, _body in results]
    assert all(s in ok for s in statuses), statuses


def test_event_registration(live_server, make_event):
    from events.models import Registration

    event = make_event(capacity=10)
    visitor = Visitor(live_server.url)
    data = {**visitor.form(event.get_absolute_url()), "name": "Doppel Klick", "email": "klick@example.org"}
    data.update({"organisation": "", "places": "1", "consent": "on"})
    _friendly(_twice(visitor, event.get_absolute_url(), data), ok=(302,))
    assert Registration.objects.filter(email="klick@example.org").count() == 1
    assert OutboxEmail.objects.filter(to="klick@example.org").count() == 1


def test_membership_application(live_server, membership_type):
    from members.models import MembershipApplication
    from tests.members.conftest import application_post

    visitor = Visitor(live_server.url)
    fields = visitor.form("/mitglied-werden/")
    data = {**application_post(membership_type, email="klick@example.org"), **fields}
    _friendly(_twice(visitor, "/mitglied-werden/", data), ok=(302,))
    assert MembershipApplication.objects.count() == 1
    assert OutboxEmail.objects.filter(to="klick@example.org").count() == 1


def test_newsletter_subscription(live_server, db):
    from newsletter.models import Subscriber

    visitor = Visitor(live_server.url)
    data = {**visitor.form("/newsletter/"), "email": "klick@example.org", "name": "", "language": "de"}
    data["consent"] = "on"
    _friendly(_twice(visitor, "/newsletter/", data), ok=(302,))
    assert Subscriber.objects.filter(email="klick@example.org").count() == 1
    assert OutboxEmail.objects.filter(to="klick@example.org").count() == 1


def test_new_confirmation_link(live_server, make_application):
    application = make_application(confirmed=False, email="klick@example.org")
    before = OutboxEmail.objects.filter(to="klick@example.org").count()
    visitor = Visitor(live_server.url)
    data = {**visitor.form("/mitglied-werden/neuer-link/"), "email": "klick@example.org"}
    _friendly(_twice(visitor, "/mitglied-werden/neuer-link/", data), ok=(302,))
    assert OutboxEmail.objects.filter(to="klick@example.org").count() == before + 1
    application.refresh_from_db()


def test_account_signup(live_server, db, django_user_model):
    visitor = Visitor(live_server.url)
    data = {**visitor.form("/konto/signup/"), "email": "klick@example.org"}
    data.update({"password1": "ein-langes-Passwort-42", "password2": "ein-langes-Passwort-42"})
    _friendly(_twice(visitor, "/konto/signup/", data))
    assert django_user_model.objects.filter(email="klick@example.org").count() == 1
    assert OutboxEmail.objects.filter(to="klick@example.org").count() == 1


def test_password_reset(live_server, db, django_user_model):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(email="klick@example.org", password="ein-langes-Passwort-42")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    visitor = Visitor(live_server.url)
    data = {**visitor.form("/konto/password/reset/"), "email": "klick@example.org"}
    _friendly(_twice(visitor, "/konto/password/reset/", data))
    assert OutboxEmail.objects.filter(to="klick@example.org").count() == 1


def test_newsletter_confirmation_button(live_server, db):
    from newsletter import services
    from newsletter.models import Subscriber
    from swsdigital.privacy.models import Consent

    services.subscriber_subscribe(email="klick@example.org", language="de", source="test")
    mail = OutboxEmail.objects.get(to="klick@example.org", template="newsletter/confirm")
    [url] = [word for word in mail.body_text.split() if "/newsletter/bestaetigen/" in word]
    path = "/" + url.split("/", 3)[3]
    visitor = Visitor(live_server.url)
    _friendly(_twice(visitor, path, visitor.form(path)), ok=(200,))
    assert Subscriber.objects.get(email="klick@example.org").status == Subscriber.Status.CONFIRMED
    assert Consent.objects.filter(email="klick@example.org").count() == 1
    assert OutboxEmail.objects.filter(to="klick@example.org").count() == 1  # no second mail of any kind
