"""Browser fixtures: Playwright drives Debian's chromium (never a downloaded browser) against the live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ASSETS = Path(__file__).parent / "assets"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls stay synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium, live_server, page_cache):
    """A desktop browser tab on the live server, which serves anonymous visitors from the page cache."""
    context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture
def axe():
    """Return a function that runs axe-core on a page and returns serious or critical violations."""
    source = (ASSETS / "axe.min.js").read_text()

    def run(page) -> list[dict]:
        before = len(getattr(page, "console_errors", []))
        page.evaluate(source)  # evaluated through DevTools, so the page's CSP stays enforced
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        errors = getattr(page, "console_errors", None)
        if errors is not None:  # axe's own probes (an inline style to measure a link) are not the page's doing
            errors[before:] = [e for e in errors[before:] if not e.startswith("Applying inline style violates")]
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run


@pytest.fixture
def screenshot():
    """Save a screenshot under docs/screenshots/ (shown in README)."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return take
