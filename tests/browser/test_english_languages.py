"""The English site in a real browser: axe finds no language findings, and German fallback text is marked.

Opens the English home page, event list, an event without English text, the press list and a German-only press
item, the member directory and a legal page; axe-core must report no ``valid-lang``, ``html-has-lang`` or
``html-lang-valid`` finding (of any impact), and every text node holding a German fallback must sit inside an
element with ``lang="de"``. Also writes the English screenshots shown in README.
"""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from events.models import Event
from news.models import NewsItem
from swsdigital.pages.models import LegalPage
from tests.browser.conftest import ASSETS

pytestmark = pytest.mark.browser

LANGUAGE_RULES = ("valid-lang", "html-has-lang", "html-lang-valid", "html-xml-lang-mismatch")

# The language of the nearest ancestor with a lang attribute, for each text node containing the given text.
LANGUAGE_OF_TEXT = """(needle) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.textContent.includes(needle)) {
      found.push(node.parentElement.closest('[lang]').getAttribute('lang'));
    }
  }
  return found;
}"""
# Every "(auf Deutsch)" note belongs to a text marked as German.
NOTES_UNMARKED = """() => Array.from(document.querySelectorAll('.translation-note'))
  .filter(n => n.closest('[lang]').getAttribute('lang') !== 'de' && n.getAttribute('lang') !== 'de')
  .map(n => n.outerHTML)"""


@pytest.fixture
def site(settings, transactional_db):
    settings.FORM_MIN_FILL_SECONDS = 0
    call_command("load_demo", stdout=io.StringIO())
    # An event whose English text is missing (the demo writes English for all of them).
    event = Event.objects.filter(status=Event.Status.PUBLISHED).order_by("start").last()
    Event.objects.filter(pk=event.pk).update(title_en="", teaser_en="", description_en="")
    LegalPage.objects.filter(kind="imprint").update(title_en="", body_en="")


def _language_rule_findings(page) -> list[dict]:
    page.evaluate((ASSETS / "axe.min.js").read_text())  # through DevTools: the CSP stays enforced
    result = page.evaluate(
        "async (rules) => await axe.run(document, {runOnly: {type: 'rule', values: rules}})", list(LANGUAGE_RULES)
    )
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def _english_url(obj) -> str:
    with translation.override("en"):
        return obj.get_absolute_url()


def test_english_pages_have_no_language_findings_and_german_fallbacks_are_marked(page, site, screenshot):
    event = Event.objects.filter(status=Event.Status.PUBLISHED, title_en="").order_by("start").last()
    german_press = NewsItem.objects.visible().filter(german_only=True).first()
    assert german_press is not None, "the demo keeps one press item German only"
    imprint = LegalPage.objects.get(kind="imprint")
    pages = {
        "home": ("/en/", []),
        "events": ("/en/events/", [event.title_de]),
        "event detail": (_english_url(event), [event.title_de, event.teaser_de]),
        "press": ("/en/press/", [german_press.title_de]),
        "press detail": (_english_url(german_press), [german_press.title_de]),
        "members": ("/en/members/", []),
        "imprint": ("/en/imprint/", [imprint.title_de]),
    }
    findings, unmarked = {}, {}
    for name, (url, fallbacks) in pages.items():
        response = page.goto(url)
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == "en"
        findings[name] = _language_rule_findings(page)
        problems = page.evaluate(NOTES_UNMARKED)
        for text in fallbacks:
            languages = page.evaluate(LANGUAGE_OF_TEXT, text)
            if not languages:
                problems.append(f"{text!r} not on the page")
            problems += [f"{text!r} inside lang={lang}" for lang in languages if lang != "de"]
        if problems:
            unmarked[name] = problems
        if name in ("home", "event detail", "press detail"):
            assert screenshot(page, f"en-{name.replace(' ', '-')}-desktop").stat().st_size > 10_000
    assert findings == {name: [] for name in pages}
    assert unmarked == {}
