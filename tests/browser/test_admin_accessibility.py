"""Issue 15.5: the admin passes axe-core like the public pages — every list, the main forms and every custom
page, in the light theme and the key pages in the dark one — and breaks no rule of the CSP (console clean)."""

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from events.models import Event
from fees.models import DuesRun
from members.models import Member, MembershipApplication
from newsletter.models import Mailing
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_journeys import _log_in, _staff

pytestmark = pytest.mark.browser

PASSWORD = "Staff-Passwort-2026!"


@pytest.fixture
def staff_page(page, transactional_db, django_user_model, settings):
    settings.FORM_MIN_FILL_SECONDS = 0  # the login form's minimum fill time; a script types faster
    call_command("load_demo", stdout=io.StringIO())
    user, secret = _staff(django_user_model)
    _log_in(page, user.email, PASSWORD, secret=secret, next_url="/admin/")
    return page


def _pages() -> list[str]:
    event = Event.objects.order_by("pk").first()
    pages = ["/admin/", "/admin/bereich/termine/"]
    pages += [reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry]
    pages += [
        "/admin/events/event/add/",
        f"/admin/events/event/{event.pk}/change/",
        f"/admin/events/event/{event.pk}/check-in/",
        f"/admin/events/event/{event.pk}/message/",
        "/admin/news/newsitem/add/",
        "/admin/newsletter/mailing/add/",
        f"/admin/newsletter/mailing/{Mailing.objects.order_by('pk').first().pk}/change/",
        "/admin/newsletter/subscriber/import/",
        "/admin/newsletter/subscriber/bounces/",
        "/admin/pages/legalpage/add/",
        f"/admin/members/membershipapplication/{MembershipApplication.objects.order_by('pk').first().pk}/change/",
        f"/admin/members/member/{Member.objects.order_by('pk').first().pk}/change/",
        reverse("admin:members_member_figures"),
        reverse("admin:privacy_erasurerecord_person"),
    ]
    run = DuesRun.objects.order_by("pk").first()
    if run is not None:
        pages.append(f"/admin/fees/duesrun/{run.pk}/change/")
    return pages


def test_the_admin_pages_have_no_serious_accessibility_violations(staff_page, axe):
    page = staff_page
    found = {}
    for url in _pages():
        response = page.goto(url)
        assert response.status == 200, url
        violations = axe(page)
        if violations:
            found[url] = violations
    assert found == {}, "\n".join(f"{url}: {v}" for url, v in found.items())
    assert page.console_errors == []


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_key_admin_pages_read_well_in_both_themes(staff_page, axe, scheme):
    page = staff_page
    page.emulate_media(color_scheme=scheme)
    found = {}
    for url in ["/admin/", "/admin/events/event/", "/admin/events/event/add/", "/admin/newsletter/mailing/"]:
        page.goto(url)
        body_bg = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--body-bg').trim()")
        assert body_bg == {"dark": "#0e1820", "light": "#ffffff"}[scheme], url
        violations = axe(page)
        if violations:
            found[url] = violations
    assert found == {}


def test_screenshots_of_the_admin(staff_page, screenshot):
    """README's pictures of the staff workspace: start page, event form, a mailing's progress."""
    page = staff_page
    mailing = Mailing.objects.exclude(status=Mailing.Status.DRAFT).order_by("-pk").first() or Mailing.objects.first()
    shots = {
        "admin-dashboard": "/admin/",
        "admin-event-form": "/admin/events/event/add/",
        "admin-mailing": f"/admin/newsletter/mailing/{mailing.pk}/change/",
    }
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        for name, url in shots.items():
            page.goto(url)
            if page.locator("[data-live-preview]").count() and page.locator("[data-live-preview]").is_visible():
                frame = page.frame_locator("[data-live-preview] iframe.live-preview__frame:not(.is-loading)").first
                frame.locator(".sws-preview-banner").wait_for()  # the preview beside the form has drawn
            assert screenshot(page, f"{name}-{size}").stat().st_size > 10_000
