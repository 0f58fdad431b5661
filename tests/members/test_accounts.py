"""Accounts through allauth: the portal's layout in both languages, mails through the outbox, rate limits."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.contrib.auth import get_user_model

from swsdigital.mail.models import OutboxEmail
from tests.conftest import give_second_factor, protected, totp_code

User = get_user_model()
PASSWORD = "Kammweg-Annaberg-2024"


def _link(body: str) -> str:
    """Return the one link to the site in a mail body, as a path the test client can open."""
    [url] = re.findall(re.escape(settings.SITE_URL) + r"/\S+", body)
    return url.removeprefix(settings.SITE_URL)


@pytest.fixture
def member(db):
    user = User.objects.create_user(email="anna@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _login(client, email: str = "anna@example.org", password: str = PASSWORD):
    return client.post("/konto/login/", protected({"login": email, "password": password}))


# --- Signup and email verification -------------------------------------------


def test_signup_queues_a_german_verification_mail_whose_link_logs_in(client, db):
    response = client.post(
        "/konto/signup/", protected({"email": "Neu@Example.org", "password1": PASSWORD, "password2": PASSWORD})
    )
    assert response.status_code == 302
    sent_page = client.get(response["Location"]).content.decode()
    assert "Wir haben Ihnen eine E-Mail zur Bestätigung gesendet." in sent_page
    [mail] = OutboxEmail.objects.all()
    assert mail.to == "neu@example.org"
    assert mail.template == "account/email_confirmation_signup"
    assert mail.language == "de"
    assert mail.status == OutboxEmail.Status.PENDING
    assert mail.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert "<html" in mail.body_html and mail.body_text.startswith("Guten Tag,")
    path = _link(mail.body_text)
    assert path.startswith("/konto/confirm-email/")
    assert path in mail.body_html

    page = client.get(path)
    assert page.status_code == 200
    assert 'class="btn btn-primary' in page.content.decode()
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    user = User.objects.get(email="neu@example.org")
    assert EmailAddress.objects.get(user=user).verified
    assert int(client.session["_auth_user_id"]) == user.pk


def test_english_signup_mail_is_english_with_an_english_link(client, db):
    client.post(
        "/en/account/signup/", protected({"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD})
    )
    [mail] = OutboxEmail.objects.all()
    assert mail.language == "en"
    assert mail.subject == "Please confirm your email address"
    assert _link(mail.body_text).startswith("/en/account/confirm-email/")


def test_unverified_account_cannot_log_in_until_confirmed(client, db):
    user = User.objects.create_user(email="offen@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = _login(client, "offen@example.org")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert OutboxEmail.objects.filter(to="offen@example.org", template="account/email_confirmation").exists()


def test_signup_errors_are_tied_to_their_fields(client, db):
    response = client.post(
        "/konto/signup/", protected({"email": "kaputt", "password1": PASSWORD, "password2": "anders-1234"})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="form-errors"' in html
    assert re.search(
        r'<input[^>]*aria-describedby="id_email_error"[^>]*aria-invalid="true"|'
        r'<input[^>]*aria-invalid="true"[^>]*aria-describedby="id_email_error"',
        html,
    )
    assert 'id="id_email_error"' in html
    assert '<label class="form-label" for="id_password2">' in html
    assert not OutboxEmail.objects.exists()


# --- Password reset ------------------------------------------------------------


def test_password_reset_goes_through_the_outbox_in_german_and_all_steps_work(client, member):
    page = client.get("/konto/password/reset/")
    assert page.status_code == 200
    assert 'for="id_email"' in page.content.decode()
    response = client.post("/konto/password/reset/", protected({"email": "anna@example.org"}))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # "we have sent you an email"

    [mail] = OutboxEmail.objects.all()
    assert mail.template == "account/password_reset_key"
    assert mail.language == "de"
    assert mail.subject == "Passwort zurücksetzen"
    assert "Passwort" in mail.body_text and "password" not in mail.body_text.lower().replace("/password/", "")
    assert "Neues Passwort wählen" in mail.body_html and '<html lang="de">' in mail.body_html
    path = _link(mail.body_text)
    assert path.startswith("/konto/password/reset/key/")

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert 'for="id_password1"' in form_page.content.decode()
    new_password = "Erzgebirge-Neu-2025"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302
    assert client.get(done["Location"]).status_code == 200
    member.refresh_from_db()
    assert member.check_password(new_password)


def test_password_reset_for_an_unknown_address_reveals_nothing_and_mails_the_address(client, db):
    response = client.post("/en/account/password/reset/", protected({"email": "ghost@example.org"}))
    assert response.status_code == 302
    [mail] = OutboxEmail.objects.all()
    assert mail.template == "account/unknown_account"
    assert mail.language == "en"
    assert _link(mail.body_text).startswith("/en/account/signup/")


# --- Pages in both languages ---------------------------------------------------


@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [("/konto/login/", "de", "Anmelden"), ("/en/account/login/", "en", "Sign In")],
)
def test_login_page_renders_in_the_portal_layout(client, db, path, lang, heading):
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert re.search(rf"<h1[^>]*>\s*{heading}\s*</h1>", html)
    assert '<label class="form-label" for="id_login">' in html
    assert '<label class="form-label" for="id_password">' in html
    assert 'class="form-control"' in html
    assert 'aria-describedby="id_password_helptext"' in html  # the "forgot password" link
    assert 'class="site-header' in html and 'class="site-footer' in html
    assert '<meta name="robots" content="noindex">' in html


def test_failed_login_shows_a_form_error(client, member):
    response = _login(client, password="falsch-falsch")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="alert alert-danger"' in html
    assert "_auth_user_id" not in client.session


def test_login_with_the_right_password_logs_in(client, member):
    response = _login(client)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == member.pk


@pytest.mark.parametrize(
    "path",
    [
        "/konto/email/",
        "/konto/password/change/",
        "/konto/logout/",
        "/konto/2fa/",
        "/en/account/email/",
        "/en/account/password/change/",
    ],
)
def test_account_management_pages_use_the_account_navigation(client, member, path):
    _login(client)
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="nav flex-column nav-pills account-nav"' in html
    assert "<h1" in html


def test_email_page_lists_addresses_with_badges_and_labelled_radios(client, member):
    _login(client)
    html = client.get("/konto/email/").content.decode()
    assert 'class="form-check-input"' in html and 'type="radio"' in html
    assert "text-bg-success" in html  # "verified" badge
    assert 'class="btn btn-danger"' in html


def test_password_change(client, member):
    _login(client)
    response = client.post(
        "/konto/password/change/",
        {"oldpassword": PASSWORD, "password1": "Neues-Passwort-2025", "password2": "Neues-Passwort-2025"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("Neues-Passwort-2025")


def test_logout_logs_out(client, member):
    _login(client)
    response = client.post("/konto/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def _current_totp(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return f"{hotp_value(secret, counter):06d}"


def test_totp_activation_and_recovery_codes(client, member):
    _login(client)
    # Security changes ask for the password again first.
    reauth = client.get("/konto/2fa/totp/activate/", follow=True)
    assert reauth.redirect_chain[0][0].startswith("/konto/reauthenticate/")
    assert '<label class="form-label" for="id_password">' in reauth.content.decode()
    assert client.post(reauth.redirect_chain[0][0], {"password": PASSWORD}).status_code == 302
    page = client.get("/konto/2fa/totp/activate/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="img-fluid d-block my-3 border rounded p-2 bg-white auth-qr"' in html
    assert '<label class="form-label" for="authenticator_secret">' in html
    secret = page.context["form"].secret
    wrong = client.post("/konto/2fa/totp/activate/", {"code": "12345"})
    assert 'aria-describedby="id_code_error"' in wrong.content.decode()
    response = client.post("/konto/2fa/totp/activate/", {"code": _current_totp(secret)})
    assert response.status_code == 302
    assert member.authenticator_set.filter(type="totp").exists()

    codes = client.get("/konto/2fa/recovery-codes/")
    html = codes.content.decode()
    assert codes.status_code == 200
    assert '<label class="form-label" for="recovery_codes">' in html
    assert 'class="form-control font-monospace"' in html
    mfa_index = client.get("/konto/2fa/").content.decode()
    assert 'class="card mb-4"' in mfa_index


# --- Admin and rate limits -----------------------------------------------------


def test_staff_who_is_not_logged_in_is_sent_from_the_admin_to_the_account_login(client, db):
    User.objects.create_user(email="office@example.org", password=PASSWORD, is_staff=True)
    response = client.get("/admin/", follow=True)
    final_path, status = response.redirect_chain[-1]
    assert status == 302
    url = urlsplit(final_path)
    assert url.path == "/konto/login/"
    assert parse_qs(url.query)["next"] == ["/admin/"]
    assert response.status_code == 200
    assert 'for="id_login"' in response.content.decode()


def test_staff_login_through_allauth_with_a_second_factor_reaches_the_admin(client, db):
    staff = User.objects.create_user(email="office@example.org", password=PASSWORD, is_staff=True)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    secret = give_second_factor(staff)
    response = client.post(
        "/konto/login/?next=/admin/", protected({"login": staff.email, "password": PASSWORD, "next": "/admin/"})
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/2fa/authenticate/")
    assert client.get("/admin/").status_code == 302  # the password alone is not enough
    response = client.post("/konto/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_without_a_second_factor_are_asked_to_set_it_up(client, db):
    staff = User.objects.create_user(email="office@example.org", password=PASSWORD, is_staff=True)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    client.post(
        "/konto/login/?next=/admin/", protected({"login": staff.email, "password": PASSWORD, "next": "/admin/"})
    )
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/2fa/totp/activate/"
    page = client.get("/konto/2fa/totp/activate/", follow=True)
    assert "Zwei-Faktor-Authentifizierung ein" in page.content.decode()


def test_allauth_rate_limit_answers_with_the_portals_429_page(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for _ in range(3):
        assert _login(client, "niemand@example.org", "falsch-falsch").status_code == 200
    response = _login(client, "niemand@example.org", "falsch-falsch")
    assert response.status_code == 429
    assert "429.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<html lang="de">' in html and 'class="site-header' in html
    assert 'class="container py-5 error-page"' in html
    assert "Zu viele Anfragen" in html


def test_failed_logins_for_one_address_are_limited_with_a_translated_message(client, member):
    for _ in range(5):
        _login(client, password="falsch-falsch")
    response = _login(client)  # even the right password is refused for a while
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'class="alert alert-danger"' in response.content.decode()


@pytest.mark.parametrize("path", ["/konto/login/", "/konto/signup/", "/konto/password/reset/"])
def test_german_account_pages_address_people_formally(client, db, path):
    html = client.get(path).content.decode()
    assert "Sie" in html
    for informal in ("Du hast", "du ", "dein", "Gib ", "erstelle"):
        assert informal not in html, informal


def test_account_navigation_marks_the_current_page(client, member):
    _login(client)
    html = client.get("/konto/password/change/").content.decode()
    assert 'class="nav-link active" aria-current="page" href="/konto/password/change/"' in html
    assert html.count('aria-current="page"') == 1


def test_signup_with_a_taken_address_reveals_nothing_and_mails_the_owner(client, member):
    response = client.post(
        "/konto/signup/", protected({"email": member.email, "password1": PASSWORD, "password2": PASSWORD})
    )
    assert response.status_code == 302  # the same answer as for a new address
    [mail] = OutboxEmail.objects.all()
    assert mail.template == "account/account_already_exists"
    assert mail.language == "de"
    assert mail.subject == "Sie haben bereits ein Konto"
    assert _link(mail.body_text).startswith("/konto/password/reset/")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/konto/password/reset/key/zz-falsch/", "ungültig"),
        ("/konto/confirm-email/falscher-schluessel/", "abgelaufen oder ungültig"),
        ("/en/account/confirm-email/wrong-key/", "expired or is invalid"),
    ],
)
def test_broken_links_from_mails_explain_themselves(client, db, path, message):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize("path", ["/konto/login/", "/konto/signup/", "/konto/password/reset/"])
def test_entrance_pages_query_budget(client, db, path, django_assert_max_num_queries):
    client.get(path)  # warm the profile cache
    with django_assert_max_num_queries(3):
        assert client.get(path).status_code == 200


def test_account_pages_query_budget(client, member, django_assert_max_num_queries):
    for i in range(10):
        EmailAddress.objects.create(user=member, email=f"alias{i}@example.org", verified=i % 2 == 0)
    _login(client)
    # +3 over the pages' own queries: the idle timeout saves the session on every request
    # (an UPDATE inside a savepoint pair).
    for path, budget in [("/konto/email/", 9), ("/konto/2fa/", 9), ("/konto/password/change/", 7)]:
        client.get(path)
        with django_assert_max_num_queries(budget):
            assert client.get(path).status_code == 200


def test_logged_in_member_without_staff_rights_gets_403_from_the_admin_not_a_loop(client, member):
    _login(client)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1
    assert "Zugriff verweigert" in response.content.decode()


def test_a_wrong_password_is_not_reported_as_marked_fields(client, member):
    html = _login(client, password="falsch-falsch").content.decode()
    assert "Die E-Mail-Adresse und/oder das Passwort sind leider falsch." in html
    assert "Bitte korrigieren Sie die markierten Felder." not in html
    signup = client.post("/konto/signup/", protected({"email": "kaputt", "password1": PASSWORD, "password2": PASSWORD}))
    assert "Bitte korrigieren Sie die markierten Felder." in signup.content.decode()


# --- The first password of a new member, and "My account" -----------------------


def _welcome_link(email: str) -> str:
    mail = OutboxEmail.objects.filter(to=email, template="members/application_approved").get()
    return next(
        path
        for path in re.findall(re.escape(settings.SITE_URL) + r"(/\S+)", mail.body_text)
        if "/password/reset/key/" in path
    )


def test_first_password_page_is_a_first_time_set_whose_cancel_goes_to_the_member_area(client, db):
    from tests.members.factories import member_admitted

    member_admitted(email="neu@example.org")
    page = client.get(_welcome_link("neu@example.org"), follow=True)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Passwort festlegen" in html and ">Passwort festlegen</h1>" in html
    assert "Passwort ändern" not in html
    assert 'href="/konto/mitgliedschaft/"' in html and ">Abbrechen</a>" in html
    assert 'form="logout-from-stage"' not in html and "/konto/logout/" not in html.split("<main", 1)[1]
    set_url = page.redirect_chain[-1][0]
    done = client.post(set_url, {"password1": "Vogtland-Erster-2026", "password2": "Vogtland-Erster-2026"})
    assert done.status_code == 302
    assert User.objects.get(email="neu@example.org").check_password("Vogtland-Erster-2026")


def test_first_password_page_in_english(client, db):
    from tests.members.factories import member_admitted

    member_admitted(email="new@example.org", language="en")
    html = client.get(_welcome_link("new@example.org"), follow=True).content.decode()
    assert "Set your password" in html and 'href="/en/account/membership/"' in html and ">Cancel</a>" in html


def test_password_reset_page_keeps_its_title_and_cancels_to_the_login(client, member):
    client.post("/konto/password/reset/", protected({"email": "anna@example.org"}))
    html = client.get(_link(OutboxEmail.objects.get().body_text), follow=True).content.decode()
    assert "<title>Passwort ändern" in html and "Passwort festlegen" not in html
    assert 'href="/konto/login/"' in html and ">Abbrechen</a>" in html


def test_my_account_opens_the_member_area_for_members_and_the_addresses_for_others(client, member, member_user):
    _login(client)
    html = client.get("/").content.decode()
    assert 'href="/konto/">Mein Konto</a>' in html
    response = client.get("/konto/")
    assert response.status_code == 302 and response["Location"] == "/konto/email/"
    client.logout()
    client.force_login(member_user)
    response = client.get("/konto/")
    assert response.status_code == 302 and response["Location"] == "/konto/mitgliedschaft/"
    response = client.get("/en/account/")
    assert response["Location"] == "/en/account/membership/"
    client.logout()
    response = client.get("/konto/")
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")
