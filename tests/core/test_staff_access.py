"""Issue 19: admin actions declare their permission, staff sessions end sooner, the language switch
stays on the site, and the client address is read through trusted proxies only."""

import time

import pytest
from django.contrib import admin
from django.test import RequestFactory

from swsdigital.core.clientip import client_address, client_ip


def test_every_admin_action_names_the_permission_it_needs():
    """An action without permissions is offered to everyone who may merely view the list."""
    missing = []
    for model, model_admin in admin.site._registry.items():
        for action in model_admin._get_base_actions():
            func, name = (action.func, action.name) if hasattr(action, "func") else action[:2]  # Django 6.1 / 5.2
            if not getattr(func, "allowed_permissions", None):
                missing.append(f"{model._meta.label}.{name}")
            for perm in getattr(func, "allowed_permissions", ()):
                assert hasattr(model_admin, f"has_{perm}_permission"), f"{model._meta.label}.{name}: {perm}"
    assert missing == []


def test_staff_sessions_end_after_the_staff_idle_time(staff_login, settings):
    staff = staff_login("events.view_event")
    response = staff.get("/")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.STAFF_SESSION_IDLE_SECONDS
    assert settings.STAFF_SESSION_IDLE_SECONDS < settings.SESSION_COOKIE_AGE
    session = staff.session
    session["_last_seen"] = int(time.time()) - settings.STAFF_SESSION_IDLE_SECONDS - 5
    session.save()
    staff.get("/")
    assert "_auth_user_id" not in staff.session


def test_staff_sessions_end_after_the_staff_absolute_lifetime_however_active(staff_login, settings):
    assert settings.STAFF_SESSION_ABSOLUTE_SECONDS < settings.SESSION_ABSOLUTE_SECONDS
    staff = staff_login("events.view_event")
    session = staff.session
    session["_auth_started"] = int(time.time()) - settings.STAFF_SESSION_ABSOLUTE_SECONDS - 5
    session["_last_seen"] = int(time.time())
    session.save()
    staff.get("/")
    assert "_auth_user_id" not in staff.session


def test_a_member_session_keeps_the_longer_lifetime(client, django_user_model, settings):
    user = django_user_model.objects.create_user(email="mitglied@example.org", password="x-very-long-pass")
    client.force_login(user)
    session = client.session
    session["_auth_started"] = int(time.time()) - settings.STAFF_SESSION_ABSOLUTE_SECONDS - 5
    session["_last_seen"] = int(time.time()) - settings.STAFF_SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get("/")
    assert "_auth_user_id" in client.session
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


# --- Language switch (19.3) --------------------------------------------------------------


# PATH_INFO as the WSGI server hands it over (percent-decoded: /%2F%2Fevil.example arrives as ///evil.example);
# the test client's get() would read "//evil.example" as a host name.
@pytest.mark.parametrize("path", ["//evil.example", "///evil.example", "//evil.example/en/", "/\\evil.example"])
def test_the_language_switch_on_a_404_stays_on_the_site(client, db, path):
    response = client.request(PATH_INFO=path, REQUEST_METHOD="GET", QUERY_STRING="")
    assert response.status_code == 404
    html = response.content.decode()
    assert "evil.example" not in html
    assert 'href="/en/"' in html and 'href="/"' in html


def test_the_language_switch_still_keeps_the_page(client, db):
    html = client.get("/termine/?page=2").content.decode()
    assert 'href="/en/events/?page=2"' in html


# --- Client address behind the proxy (19.5) ----------------------------------------------


def _address(remote: str, xff: str = "", count: int = 0, networks: tuple[str, ...] = ()) -> str:
    return client_address(remote_addr=remote, forwarded_for=xff, proxy_count=count, proxy_networks=networks)


def test_without_trusted_proxies_forwarded_for_is_ignored():
    assert _address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_one_trusted_proxy_takes_the_hop_it_appended_not_what_the_client_wrote():
    assert _address("10.0.0.2", "198.51.100.7", count=1) == "198.51.100.7"
    # The client sent a forged header; the proxy appended the real address after it.
    assert _address("10.0.0.2", "1.2.3.4, 198.51.100.7", count=1) == "198.51.100.7"
    # A request that reached gunicorn without the proxy keeps its socket address.
    assert _address("10.0.0.2", "", count=1) == "10.0.0.2"
    assert _address("10.0.0.2", "garbage, 198.51.100.7", count=2) == "198.51.100.7"


def test_trusted_proxy_networks_are_walked_from_the_right():
    nets = ("10.0.0.0/8", "172.16.0.0/12")
    assert _address("172.18.0.1", "1.2.3.4, 198.51.100.7, 10.1.1.1", networks=nets) == "198.51.100.7"
    # The socket peer is not one of our proxies: its header is not believed.
    assert _address("203.0.113.5", "198.51.100.7", networks=nets) == "203.0.113.5"
    assert _address("172.18.0.1", "[2001:db8::7]:443", networks=nets) == "2001:db8::7"


def test_client_ip_reads_the_settings(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8"]
    assert client_ip(request) == "198.51.100.7"


def test_behind_one_proxy_visitors_get_their_own_rate_limit_and_consent_address(client, db, settings):
    """Two visitors behind the same proxy: one's limit does not block the other; the consent records the visitor."""
    from swsdigital.privacy.models import Consent
    from tests.conftest import protected

    settings.TRUSTED_PROXY_COUNT = 1
    settings.NEWSLETTER_SUBSCRIBE_RATE_LIMIT = 2

    def subscribe(email: str, visitor: str):
        data = protected({"email": email, "name": "", "language": "de", "consent": "on"})
        return client.post("/newsletter/", data, REMOTE_ADDR="172.18.0.1", HTTP_X_FORWARDED_FOR=visitor)

    assert [subscribe(f"a{i}@example.org", "198.51.100.7").status_code for i in range(3)][-1] == 429
    assert subscribe("b@example.org", "203.0.113.20").status_code != 429
    assert Consent.objects.get(email="b@example.org").given_ip == "203.0.113.20"
    assert Consent.objects.get(email="a0@example.org").given_ip == "198.51.100.7"
