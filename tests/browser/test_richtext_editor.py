"""The rich-text editor in a real browser: typing, bold, a list, saving, the public page; no CSP violation."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from events.models import Event
from tests.browser.test_journeys import _log_in, _staff

pytestmark = pytest.mark.browser

# Registered on every page before its scripts run (through DevTools, so the page's CSP stays in force); each
# violation becomes a console error, which the page fixture collects across navigations.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def test_staff_write_an_event_description_with_bold_and_a_list_and_see_it_on_the_public_page(
    page, live_server, django_user_model, settings
):
    settings.FORM_MIN_FILL_SECONDS = 0
    user, secret = _staff(django_user_model)
    page.add_init_script(CSP_LISTENER)
    _log_in(page, user.email, "Staff-Passwort-2026!", secret=secret, next_url="/admin/")
    page.goto("/admin/events/event/add/")
    editor = page.get_by_role("textbox", name="Beschreibung")
    editor.wait_for()
    assert page.locator("textarea[name=description_de]").is_hidden()  # the editor stands in for the textarea
    menu = page.locator(".prose-editor:has([name=description_de]) .prose-menubar")
    bold, bullets = menu.locator("[data-name=bold]"), menu.locator("[data-name=bulletList]")
    with translation.override("de"):
        assert bold.get_attribute("title") == gettext("Bold")  # the portal's German, not the editor's "bold"

    editor.click()
    page.keyboard.type("Ein Abend mit ")
    bold.click()
    page.keyboard.type("Vorträgen")
    bold.click()
    page.keyboard.type(" und Gesprächen.")
    page.keyboard.press("Enter")
    bullets.click()
    page.keyboard.type("Begrüßung")
    page.keyboard.press("Enter")
    page.keyboard.type("Diskussion")

    start = timezone.localtime() + timedelta(days=10)
    form = page.locator("#content-main form")
    form.locator("[name=title_de]").fill("Webinar Datenschutz im Verein")
    form.locator("[name=start_0]").fill(start.strftime("%d.%m.%Y"))
    form.locator("[name=start_1]").fill("18:00:00")
    form.locator("[name=end_0]").fill(start.strftime("%d.%m.%Y"))
    form.locator("[name=end_1]").fill("19:30:00")
    form.locator("select[name=format]").select_option("online")
    form.locator("[name=online_url]").fill("https://meet.example.org/datenschutz")
    form.locator("select[name=status]").select_option("published")
    form.locator("input[name=_continue]").click()
    page.locator(".messagelist .success, .errornote").first.wait_for()
    assert page.locator(".errornote").count() == 0, page.locator("#content-main").inner_text()[:2000]

    event = Event.objects.get(title="Webinar Datenschutz im Verein")
    assert event.description == (
        "<p>Ein Abend mit <strong>Vorträgen</strong> und Gesprächen.</p>"
        "<ul><li><p>Begrüßung</p></li><li><p>Diskussion</p></li></ul>"
    )
    # The change form shows the saved text in the editor again.
    page.locator(".prose-editor .ProseMirror strong", has_text="Vorträgen").wait_for()

    page.goto(event.get_absolute_url())
    body = page.locator("article.event-detail")
    assert body.locator("strong", has_text="Vorträgen").count() == 1
    assert body.locator("ul li", has_text="Diskussion").count() == 1

    assert page.console_errors == []  # no CSP violation, no script error
