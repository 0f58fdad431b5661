"""The site frame in a real browser: language switch, phone width, keyboard, accessibility, CSP."""

import pytest

from swsdigital.pages import demo
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db):
    demo.load()


def test_language_switch_keeps_the_visitor_on_the_same_page(page, site):
    page.goto("/impressum/")
    assert page.locator("html").get_attribute("lang") == "de"
    page.locator(".lang-switch a[hreflang=en]").click()
    page.wait_for_url("**/en/imprint/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".lang-switch a[hreflang=de]").click()
    page.wait_for_url("**/impressum/")


def test_skip_link_is_the_first_focus_and_jumps_to_the_content(page, site):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    assert page.locator(".skip-link").is_visible()


def test_navigation_works_at_phone_width(page, site, screenshot):
    page.set_viewport_size(PHONE)
    page.goto("/")
    nav_link = page.locator('#main-nav a[href="/presse/"]')
    assert not nav_link.is_visible()
    toggler = page.locator(".navbar-toggler")
    assert toggler.get_attribute("aria-expanded") == "false"
    toggler.click()
    page.locator("#main-nav.collapse.show").wait_for()  # the opening transition has ended
    assert nav_link.is_visible()
    assert toggler.get_attribute("aria-expanded") == "true"
    no_horizontal_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_horizontal_scroll
    toggler.click()
    page.locator("#main-nav.collapse:not(.show)").wait_for(state="attached")
    nav_link.wait_for(state="hidden")
    screenshot(page, "frame-menu-phone")


def test_no_csp_violations_or_script_errors(page, site):
    page.goto("/")
    page.goto("/en/")
    assert page.console_errors == []


@pytest.mark.parametrize(
    "path", ["/", "/en/", "/impressum/", "/en/accessibility/", "/konto/login/", "/en/gibt-es-nicht/"]
)
def test_pages_have_no_serious_accessibility_violations(page, site, axe, path):
    page.goto(path)
    assert axe(page) == []


def test_home_page_screenshot(page, site, screenshot):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    assert page.get_by_role("heading", level=1).is_visible()
    screenshot(page, "frame-desktop")
