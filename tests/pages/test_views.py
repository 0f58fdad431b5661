"""The site frame: home page in both languages, translated paths, legal pages, error pages."""

import pytest
from django.urls import reverse, translate_url
from django.utils import translation

from swsdigital.pages import demo


@pytest.fixture
def demo_site(db):
    demo.load()


@pytest.mark.parametrize(
    ("name", "german", "english"),
    [
        ("pages:home", "/", "/en/"),
        ("events:list", "/termine/", "/en/events/"),
        ("news:list", "/presse/", "/en/press/"),
        ("newsletter:subscribe", "/newsletter/", "/en/newsletter/"),
        ("members:directory", "/mitglieder/", "/en/members/"),
        ("members:join", "/mitglied-werden/", "/en/join/"),
        ("account_login", "/konto/login/", "/en/account/login/"),
    ],
)
def test_paths_are_german_at_the_root_and_english_under_en(name, german, english):
    with translation.override("de"):
        assert reverse(name) == german
    with translation.override("en"):
        assert reverse(name) == english


def test_home_page_shows_profile_figures_and_navigation_in_german(client, demo_site):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in html
    assert "Südwestsachsen Digital e.V." in html
    assert 'href="/termine/"' in html and 'href="/mitglied-werden/"' in html
    assert "1.000" in html  # contacts, German thousands separator
    assert "Friedensstraße 32" in html
    assert 'hreflang="en" href="http://127.0.0.1:8000/en/"' in html


def test_english_home_page(client, demo_site):
    response = client.get("/en/")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert 'href="/en/events/"' in html


def test_language_switch_points_to_the_same_page(client, demo_site):
    html = client.get("/impressum/").content.decode()
    assert 'href="/en/imprint/"' in html
    assert 'href="/impressum/"' in client.get("/en/imprint/").content.decode()
    with translation.override("en"):
        assert translate_url("/en/imprint/", "de") == "/impressum/"


@pytest.mark.parametrize("path", ["/impressum/", "/datenschutz/", "/barrierefreiheit/", "/satzung/", "/en/privacy/"])
def test_legal_pages_render(client, demo_site, path):
    assert client.get(path).status_code == 200


def test_missing_legal_page_is_a_clean_404(client, db):
    response = client.get("/impressum/")
    assert response.status_code == 404


def test_unknown_page_uses_the_portals_404_in_both_languages(client, db):
    assert client.get("/gibt-es-nicht/").status_code == 404
    response = client.get("/en/does-not-exist/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_home_page_query_budget(client, demo_site, django_assert_max_num_queries):
    client.get("/")  # warm the profile cache
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200


def test_admin_login_goes_through_the_account_login(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_home_page_without_content_shows_the_empty_states(client, db):
    html = client.get("/").content.decode()
    assert "Derzeit sind keine Termine geplant." in html
    assert "Noch keine Pressemitteilungen." in html
    assert 'action="/newsletter/"' in html and 'href="/mitglied-werden/"' in html


def test_home_page_shows_regions_social_links_and_legal_pages(client, demo_site):
    html = client.get("/").content.decode()
    assert "Aktiv in Vogtlandkreis · Erzgebirgskreis · Landkreis Zwickau · Stadt Chemnitz" in html
    for network in ("facebook.com", "linkedin.com", "x.com", "youtube.com"):
        assert f'href="https://www.{network}/' in html or f'href="https://{network}/' in html, network
    for path in ("/impressum/", "/datenschutz/", "/barrierefreiheit/"):
        assert f'href="{path}"' in html
    assert "Active in Vogtlandkreis" in client.get("/en/").content.decode()


def test_member_figure_is_the_live_count_once_there_are_members(client, demo_site):
    from members.selectors import member_count
    from tests.members.factories import member_admitted

    assert member_count() == 0
    assert '<dd class="figure-number">47</dd>' in client.get("/").content.decode()  # the profile's figure
    member_admitted(email="eins@example.org", name="Erste GmbH")
    member_admitted(email="zwei@example.org", name="Zweite GmbH")
    assert '<dd class="figure-number">2</dd>' in client.get("/").content.decode()
