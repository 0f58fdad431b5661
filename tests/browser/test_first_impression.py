"""First impression (issue 12, item 11) in a real browser: the call to action on phones, the application
form's outline, and form controls that can be seen (WCAG 1.4.11)."""

import io
import re

import pytest
from django.core.management import call_command

from events.models import Event
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

JOIN = "/mitglied-werden/"
SECTIONS = [
    "join-organisation",
    "join-contact",
    "join-membership",
    "join-sepa",
    "join-consents",
    "join-further-contacts",
]

# The contrast of each visible control's border against the colour behind it (WCAG 2.x formula).
CONTROL_CONTRASTS = """() => {
  const rgba = (s) => { const m = s.match(/[\\d.]+/g).map(Number); return m.length > 3 ? m : [...m, 1]; };
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const behind = (e) => {
    for (let n = e.parentElement; n; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) return c;
    }
    return [255, 255, 255, 1];
  };
  return Array.from(document.querySelectorAll('main input, main select, main textarea'))
    .filter(e => e.type !== 'hidden' && e.type !== 'submit' && e.offsetParent !== null)
    .filter(e => !e.closest('[aria-hidden=true]'))
    .map(e => {
      const s = getComputedStyle(e);
      const border = rgba(s.borderTopColor);
      const back = behind(e);
      const [hi, lo] = [lum(border), lum(back)].sort((a, b) => b - a);
      return {name: e.name || e.id, type: e.type, width: s.borderTopWidth, border: s.borderTopColor,
              ratio: Math.round((hi + 0.05) / (lo + 0.05) * 100) / 100};
    });
}"""


@pytest.fixture
def site(settings, transactional_db):
    """The demo content of every app, and forms that accept a submission at once."""
    settings.FORM_MIN_FILL_SECONDS = 0
    call_command("load_demo", stdout=io.StringIO())


def _header_cta(page):
    return page.locator("header a.btn-accent:visible")


@pytest.mark.parametrize("path", ["/", "/en/", "/termine/", "/presse/"])
def test_the_call_to_action_is_visible_on_phones_without_opening_the_menu(page, site, path):
    page.set_viewport_size(PHONE)
    page.goto(path)
    assert page.locator(".navbar-toggler").get_attribute("aria-expanded") == "false"
    cta = _header_cta(page)
    assert cta.count() == 1
    box = cta.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["y"] + box["height"] <= 80
    assert cta.inner_text() in ("Mitglied werden", "Join us")
    assert cta.get_attribute("href") in ("/mitglied-werden/", "/en/join/")
    toggler = page.locator(".navbar-toggler").bounding_box()
    assert box["x"] + box["width"] <= toggler["x"], "the button overlaps the menu button"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Opening the menu does not show it a second time.
    page.locator(".navbar-toggler").click()
    page.locator("#main-nav.collapse.show").wait_for()
    assert _header_cta(page).count() == 1
    # On wide screens it is in the menu bar, once.
    page.set_viewport_size(DESKTOP)
    page.goto(path)
    assert _header_cta(page).count() == 1
    assert page.locator("#main-nav a.btn-accent").is_visible()


def _active_section(page, expected: str) -> str:
    """Wait until the outline marks a section (page functions are evaluated through DevTools, CSP or not)."""
    found = ""
    for _attempt in range(50):
        found = page.evaluate("() => (document.querySelector('.join-outline-side a.active') || {}).hash || ''")
        if found == expected:
            break
        page.wait_for_timeout(100)
    return found


def _in_view(page, selector: str) -> bool:
    """Return whether the element comes into the window (Bootstrap scrolls smoothly, so wait a little)."""
    for _attempt in range(30):
        if page.evaluate(
            "s => { const r = document.querySelector(s).getBoundingClientRect(); "
            "return r.bottom > 0 && r.top < window.innerHeight; }",
            selector,
        ):
            return True
        page.wait_for_timeout(100)
    return False


def test_the_join_form_has_a_sticky_outline_that_follows_jumps_and_shows_progress(page, site):
    page.goto(JOIN)
    outline = page.locator(".join-outline-side")
    assert outline.is_visible()
    assert not page.locator(".join-outline-top").is_visible()  # the phones' copy
    links = outline.locator("a[data-outline-section]")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [f"#{s}" for s in SECTIONS]
    for section in SECTIONS:
        assert page.locator(f"fieldset#{section}").count() == 1
    assert outline.locator("a.active").get_attribute("href") == "#join-organisation"
    progress = outline.locator("[data-outline-progress]")
    assert progress.inner_text() == "0 von 4 Pflichtabschnitten ausgefüllt"

    # A link jumps to its section; the outline stays in view and marks it.
    outline.locator('a[href="#join-consents"]').click()
    page.wait_for_url(re.compile("#join-consents$"))
    assert _active_section(page, "#join-consents") == "#join-consents"
    assert _in_view(page, "fieldset#join-consents")
    assert _in_view(page, ".join-outline-side")
    assert outline.locator("a.active").get_attribute("aria-current") == "true"
    assert page.locator(".join-outline-side a[aria-current]").count() == 1

    # Scrolling back marks the section in view.
    page.evaluate("document.getElementById('join-contact').scrollIntoView()")
    assert _active_section(page, "#join-contact") == "#join-contact"
    assert _in_view(page, ".join-outline-side")

    # Filling in a section's required fields ticks it off and counts it.
    page.locator("#id_membership_type_0").check()
    done = outline.locator('a[href="#join-membership"] .join-outline-done')
    done.wait_for()
    assert "ausgefüllt" in done.inner_text()
    assert progress.inner_text() == "1 von 4 Pflichtabschnitten ausgefüllt"
    assert not outline.locator('a[href="#join-organisation"] .join-outline-done').is_visible()
    assert page.console_errors == []


def test_the_outline_shows_where_the_errors_are_and_nothing_entered_is_lost(page, site):
    page.goto(JOIN)
    page.locator("#id_name").fill("Muster Digital GmbH")
    page.locator("#id_city").fill("Plauen")
    page.locator("#id_membership_type_1").check()
    page.locator("#id_email").fill("keine-adresse")
    page.locator("main form button[type=submit]").last.click()
    page.locator("#form-errors").wait_for()
    outline = page.locator(".join-outline-side")
    errors = {
        link.get_attribute("href"): link.locator(".badge").inner_text() if link.locator(".badge").count() else ""
        for link in outline.locator("a[data-outline-section]").all()
    }
    assert errors["#join-organisation"].endswith("Fehler")  # street, postcode, region
    assert errors["#join-contact"].endswith("Fehler")  # names, the address
    assert errors["#join-consents"] == "2 Fehler"  # statutes and privacy
    assert errors["#join-membership"] == "" and errors["#join-sepa"] == ""
    assert page.locator("#id_name").input_value() == "Muster Digital GmbH"
    assert page.locator("#id_city").input_value() == "Plauen"
    assert page.locator("#id_membership_type_1").is_checked()
    assert page.locator("#id_email").input_value() == "keine-adresse"
    assert outline.locator('a[href="#join-organisation"] .join-outline-done').is_hidden()


def test_the_outline_works_without_javascript_and_on_phones(chromium, live_server, site):
    context = chromium.new_context(viewport=PHONE, base_url=live_server.url, locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(JOIN)
        top = page.locator(".join-outline-top")
        assert top.is_visible() and not page.locator(".join-outline-side").is_visible()
        form_top = page.locator("form.join-form").bounding_box()["y"]
        assert top.bounding_box()["y"] < form_top  # before the form, not after 4,000 px of it
        assert top.locator("[data-outline-progress]").is_hidden()  # the count needs the script
        top.locator('a[href="#join-sepa"]').click()
        page.wait_for_url(re.compile("#join-sepa$"))
        assert _in_view(page, "fieldset#join-sepa")
        # A submission with errors: the outline says where they are, without a script.
        page.locator("#id_email").fill("keine-adresse")
        page.locator("main form button[type=submit]").last.click()
        page.locator("#form-errors").wait_for()
        assert page.locator(".join-outline-top a[href='#join-consents'] .badge").inner_text() == "2 Fehler"
        assert page.locator("#id_email").input_value() == "keine-adresse"
    finally:
        context.close()


def _event_path() -> str:
    return Event.objects.filter(status=Event.Status.PUBLISHED).order_by("start").last().get_absolute_url()


def test_form_controls_stand_out_at_three_to_one_against_their_background(page, site):
    checked = {}
    for path in [JOIN, _event_path(), "/newsletter/", "/konto/login/", "/termine/", "/mitglieder/"]:
        page.goto(path)
        controls = page.evaluate(CONTROL_CONTRASTS)
        assert controls, path
        checked[path] = {c["type"] for c in controls}
        low = [c for c in controls if c["ratio"] < 3 or c["width"] in ("0px", "")]
        assert low == [], (path, low)
    assert {"radio", "checkbox", "text", "email", "select-one", "textarea"} <= set().union(*checked.values())
