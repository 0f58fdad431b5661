"""Accessibility in a real browser: axe-core on every public page type in German and English, labels,
errors tied to their fields and announced, visible focus; screenshots of the key pages."""

import io

import pytest
from django.core.management import call_command

from events.models import Event
from events.services import registration_create
from members.models import Member
from news.models import NewsItem
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

# Every visible form control must have an accessible name from a label (or an ARIA label).
UNLABELLED = """() => Array.from(document.querySelectorAll('main input, main select, main textarea'))
  .filter(e => e.type !== 'hidden' && e.type !== 'submit' && e.type !== 'button' && !e.closest('[aria-hidden=true]'))
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
  .map(e => e.name || e.id)"""

# Every field marked invalid says so to screen readers and points at its error text.
UNTIED_ERRORS = """() => Array.from(document.querySelectorAll('main .is-invalid'))
  .filter(e => ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName))
  .filter(e => {
    const ids = (e.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    const texts = ids.map(id => document.getElementById(id)).filter(Boolean).map(n => n.textContent.trim());
    return e.getAttribute('aria-invalid') !== 'true' || !texts.some(t => t.length > 0);
  })
  .map(e => e.name || e.id)"""


@pytest.fixture
def site(settings, transactional_db):
    """The demo content of every app, and forms that accept a submission at once."""
    settings.FORM_MIN_FILL_SECONDS = 0
    call_command("load_demo", stdout=io.StringIO())


def _event() -> Event:
    return Event.objects.filter(status=Event.Status.PUBLISHED).order_by("start").last()


def _page_types() -> dict[str, str]:
    """One German address of every public page type."""
    event = _event()
    registration, _created = registration_create(event=event, name="Clara Vogt", email="clara.vogt@example.org")
    return {
        "home": "/",
        "events": "/termine/",
        "calendar": "/termine/kalender/",
        "events archive": "/termine/archiv/",
        "event detail": event.get_absolute_url(),
        "registration": registration.get_absolute_url(),
        "press": "/presse/",
        "press detail": NewsItem.objects.visible().first().get_absolute_url(),
        "press search": "/presse/?q=Digital",
        "members": "/mitglieder/",
        "members search": "/mitglieder/?q=Software",
        "member detail": Member.objects.filter(directory_listed=True).first().get_absolute_url(),
        "join": "/mitglied-werden/",
        "newsletter": "/newsletter/",
        "newsletter archive": "/newsletter/archiv/",
        "imprint": "/impressum/",
        "privacy": "/datenschutz/",
        "accessibility": "/barrierefreiheit/",
        "statutes": "/satzung/",
        "login": "/konto/login/",
        "signup": "/konto/signup/",
        "password reset": "/konto/password/reset/",
        "404": "/gibt-es-nicht/",
    }


def _english(page) -> None:
    """Follow the language switch to the English version of the current page."""
    href = page.locator(".lang-switch a[hreflang=en]").get_attribute("href")
    page.goto(href)
    assert page.locator("html").get_attribute("lang") == "en"


def _submit_empty_join_form(page) -> None:
    page.locator("main form input[name=email]").fill("keine-adresse")
    page.locator("main form button[type=submit]").last.click()
    page.locator("#form-errors").wait_for()


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_public_page_type_has_no_serious_accessibility_violations(page, site, axe, settings, language):
    found = {}
    for name, path in _page_types().items():
        if name == "404" and language == "en":
            page.goto("/en/does-not-exist/")
        else:
            page.goto(path)
            if language == "en":
                _english(page)
        assert page.locator("html").get_attribute("lang") == language, name
        found[name] = axe(page)
    # A submitted application with errors.
    page.goto("/mitglied-werden/")
    if language == "en":
        _english(page)
    _submit_empty_join_form(page)
    found["join with errors"] = axe(page)
    # The friendly 429 page: the limit reached on the next submission.
    settings.MEMBERS_JOIN_RATE_LIMIT = 0
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").last.click()
    assert navigation.value.status == 429
    assert page.locator("html").get_attribute("lang") == language
    assert page.get_by_role("heading", level=1).count() == 1
    found["429"] = axe(page)
    assert {name: violations for name, violations in found.items() if violations} == {}


def test_every_form_field_has_a_label(page, site):
    for path in ["/mitglied-werden/", _event().get_absolute_url(), "/newsletter/", "/konto/login/",
                 "/konto/signup/", "/konto/password/reset/", "/termine/", "/presse/", "/mitglieder/"]:  # fmt: skip
        page.goto(path)
        assert page.evaluate(UNLABELLED) == [], path


@pytest.mark.parametrize("language", ["de", "en"])
def test_errors_are_tied_to_their_fields_and_announced(page, site, language):
    page.goto("/mitglied-werden/")
    if language == "en":
        _english(page)
    _submit_empty_join_form(page)
    summary = page.locator("#form-errors")
    assert summary.get_attribute("role") == "alert"
    assert page.locator("main .is-invalid").count() >= 5
    assert page.evaluate(UNTIED_ERRORS) == []
    # The event registration and the newsletter form too.
    for path in [_event().get_absolute_url(), "/newsletter/"]:
        page.goto(path)
        if language == "en":
            _english(page)
        page.locator("main form input[name=email]").fill("keine-adresse")
        page.locator("main form button[type=submit]").last.click()
        page.locator("#form-errors").wait_for()
        assert page.locator("#form-errors").get_attribute("role") == "alert"
        assert page.locator("main .is-invalid").count() >= 1, path
        assert page.evaluate(UNTIED_ERRORS) == [], path


def test_keyboard_focus_is_visible(page, site):
    page.goto("/mitglied-werden/")
    for selector in ["main a:visible", "main input[name=name]", "main form button[type=submit]"]:
        element = page.locator(selector).first
        element.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
        style = element.evaluate(
            "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
        )
        outline_style, outline_width, shadow = style
        assert (outline_style != "none" and outline_width != "0px") or shadow != "none", (selector, style)


KEY_PAGES = ["home", "events", "event detail", "press", "press detail", "members", "join", "newsletter"]


def test_screenshots_of_the_key_pages(page, site, screenshot):
    paths = _page_types()
    for name in KEY_PAGES:
        slug = name.replace(" ", "-")
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.goto(paths[name])
            page.get_by_role("heading", level=1).wait_for()
            assert screenshot(page, f"{slug}-{size}").stat().st_size > 10_000
