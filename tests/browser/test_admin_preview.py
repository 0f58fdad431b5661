"""The admin's live preview and the unsaved-changes warning in a real browser, with the CSP in force."""

from datetime import timedelta

import django
import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from events.models import Event
from tests.browser.test_journeys import _log_in, _staff
from tests.events.conftest import werkbank

pytestmark = pytest.mark.browser

PASSWORD = "Staff-Passwort-2026!"
# Registered on every page and frame before its scripts run; each violation becomes a console error.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
CURRENT = "iframe.live-preview__frame:not(.is-loading)"


def _errors(page) -> list[str]:
    """The console's errors; on Django 5.2 (Python 3.11) without one known, harmless blocked <style> element that a
    script of that admin inserts at its line 12 (blocked, the page looks the same; Django 6 inserts none)."""
    if django.VERSION >= (6,):
        return page.console_errors
    return [e for e in page.console_errors if e != "CSP violation: style-src-elem inline :12"]


def _de(message: str) -> str:
    with translation.override("de"):
        return gettext(message)


@pytest.fixture
def staff_page(page, live_server, django_user_model, settings):
    settings.FORM_MIN_FILL_SECONDS = 0
    user, secret = _staff(django_user_model)
    page.add_init_script(CSP_LISTENER)
    _log_in(page, user.email, PASSWORD, secret=secret, next_url="/admin/")
    dialogs: list[str] = []

    def answer(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.dialogs = dialogs
    return page


def _type(page, selector: str, text: str) -> None:
    page.locator(selector).click()
    page.keyboard.type(text)


def test_the_event_form_previews_while_typing_and_asks_before_unsaved_changes_are_lost(staff_page, axe):
    page = staff_page
    page.goto("/admin/events/event/add/")
    german = page.frame_locator(f"#live-preview-panel-de {CURRENT}")
    german.locator(".sws-preview-banner").wait_for()  # the first picture comes with the page
    # The pane and the narrower form beside it add no finding (the autocomplete widgets are not this test's).
    findings = [v for v in axe(page) if not all("select2" in str(node) for node in v["nodes"])]
    assert findings == []
    assert _de("Preview – not published") in german.locator(".sws-preview-banner").inner_text()

    _type(page, "#content-main form [name=title_de]", "Digitaltag Plauen")
    german.get_by_role("heading", level=1, name="Digitaltag Plauen").wait_for()
    assert german.locator("html").get_attribute("lang") == "de"
    editor = page.get_by_role("textbox", name="Beschreibung")
    editor.click()
    page.keyboard.type("Vorträge und Werkstätten")
    german.get_by_text("Vorträge und Werkstätten").wait_for()  # the rich-text editor's text, as saved it would be

    page.get_by_role("tab", name="English").click()
    english = page.frame_locator(f"#live-preview-panel-en {CURRENT}")
    english.get_by_role("heading", level=1, name="Digitaltag Plauen").wait_for()
    assert english.locator("html").get_attribute("lang") == "en"
    banner = english.locator(".sws-preview-banner").inner_text()
    assert _de("There is no English version yet: the English site shows the German text.") in banner
    assert page.locator("#live-preview-panel-de").is_hidden()
    assert page.dialogs == []  # the preview's own submits are not leaving the page

    # Leaving with unsaved changes asks first; staying keeps everything typed.
    page.locator("#content-main form [name=teaser_de]").click()
    page.keyboard.type("KI im Mittelstand")
    with page.expect_event("dialog"):
        page.locator(".breadcrumbs a").first.click(no_wait_after=True)
    assert page.dialogs == ["beforeunload"]
    assert page.url.endswith("/admin/events/event/add/")
    assert page.locator("#content-main form [name=teaser_de]").input_value() == "KI im Mittelstand"

    # Saving does not ask.
    start = timezone.localtime() + timedelta(days=21)
    form = page.locator("#content-main form")
    form.locator("[name=start_0]").fill(start.strftime("%d.%m.%Y"))
    form.locator("[name=start_1]").fill("16:00:00")
    form.locator("[name=end_0]").fill(start.strftime("%d.%m.%Y"))
    form.locator("[name=end_1]").fill("19:00:00")
    form.locator("select[name=format]").select_option("online")
    form.locator("[name=online_url]").fill("https://meet.example.org/digitaltag")
    page.locator("#content-main form input[name=_continue]").click()
    page.locator(".messagelist .success").wait_for()
    assert page.dialogs == ["beforeunload"]
    event = Event.objects.get(title="Digitaltag Plauen")
    assert "Vorträge und Werkstätten" in event.description
    # Saved: leaving asks nothing now.
    page.locator(".breadcrumbs a").first.click()
    page.wait_for_url("**/admin/")
    assert page.dialogs == ["beforeunload"]
    assert _errors(page) == []


def test_a_change_made_by_a_script_without_events_counts_and_no_change_asks_nothing(staff_page):
    page = staff_page
    start = timezone.now() + timedelta(days=5)
    event = Event.objects.create(
        title="Webinar", slug="webinar", start=start, end=start + timedelta(hours=1), venue=werkbank()
    )
    change = f"/admin/events/event/{event.pk}/change/"
    page.goto(change)
    page.frame_locator(f"#live-preview-panel-de {CURRENT}").get_by_role("heading", name="Webinar").wait_for()
    # Touching the form without changing it, then leaving: no question.
    page.locator("#content-main form [name=title_de]").click()
    page.locator(".breadcrumbs a").first.click()
    page.wait_for_url("**/admin/")
    assert page.dialogs == []

    page.goto(change)
    page.locator("#content-main form [name=title_de]").click()
    # An editor that writes its hidden textarea without telling anyone still counts.
    page.evaluate("document.querySelector('textarea[name=description_de]').value = '<p>Neu</p>'")
    with page.expect_event("dialog"):
        page.locator(".breadcrumbs a").first.click(no_wait_after=True)
    assert page.dialogs == ["beforeunload"]
    assert page.url.endswith(change)
    assert _errors(page) == []
