"""The association's name on every page (account pages included, whatever the host) and a favicon."""

import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from PIL import Image

from swsdigital.pages.models import SiteProfile

pytestmark = pytest.mark.django_db

HOST = "127.0.0.1:8111"
ACCOUNT_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]


@pytest.fixture
def profile(db) -> SiteProfile:
    return SiteProfile.objects.create(name="Vogtland Digital e.V.", short_name="VD Digital")


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_logged_out_account_pages_name_the_association_not_the_host(client, profile, name, language):
    with translation.override(language):
        path = reverse(name)
    response = client.get(path, HTTP_HOST=HOST)
    assert response.status_code == 200
    html = response.content.decode()
    title = " ".join(re.search(r"<title>(.*?)</title>", html, re.S).group(1).split())
    assert title.endswith(" – Vogtland Digital e.V."), title
    assert '<span class="brand-name">VD Digital</span>' in html
    assert '<h2 class="h5">Vogtland Digital e.V.</h2>' in html  # the footer
    assert HOST not in html.replace(f"http://{HOST}", "")


def test_allauths_own_mail_templates_greet_from_the_association(profile, settings):
    from allauth.account.adapter import get_adapter

    from swsdigital.mail.models import OutboxEmail

    settings.SITE_URL = "http://127.0.0.1:8111"
    # No template of ours for this one: allauth's own, which greets from `current_site`.
    context = {"ip": "203.0.113.7", "user_agent": "Firefox", "timestamp": "heute"}
    with translation.override("en"):
        get_adapter().send_mail("account/email/password_set", "anna@example.org", context)
    body = OutboxEmail.objects.get(to="anna@example.org").body_text
    assert "Hello from Vogtland Digital e.V.!" in body
    assert "Thank you for using Vogtland Digital e.V.!\n127.0.0.1:8111" in body


def test_favicon_ico_redirects_to_the_vendored_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.ico"
    assert "max-age" in response["Cache-Control"]
    with open(finders.find("img/favicon.ico"), "rb") as file, Image.open(io.BytesIO(file.read())) as icon:
        assert icon.format == "ICO" and {(16, 16), (32, 32)} <= icon.info["sizes"]


def test_every_page_links_its_icons(client, db):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.ico" sizes="32x32">' in html
    assert 'href="/static/img/favicon.svg" type="image/svg+xml"' in html
