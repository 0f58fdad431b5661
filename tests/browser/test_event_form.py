"""The event form in a real browser: venue and topic by autocomplete, the focal point by a click, "Publish now"."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from events.models import Event, Series, Topic, Venue
from swsdigital.core.roles import EDITORS
from tests.browser.select2 import select2_pick
from tests.conftest import give_second_factor, totp_code

pytestmark = pytest.mark.browser

PASSWORD = "Redaktion-Passwort-2026!"


def _editor(django_user_model):
    """An editor (the role, not a superuser) with a verified address and TOTP; return (user, secret)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from swsdigital.core.roles import roles_sync

    roles_sync()  # the transactional test's flush removed the groups
    user = django_user_model.objects.create_user(email="redaktion@sws-digital.example", password=PASSWORD)
    user.is_staff = True
    user.save()
    user.groups.set([Group.objects.get(name=EDITORS)])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user, give_second_factor(user)


def _png(width: int = 1200, height: int = 400) -> bytes:
    image = Image.new("RGB", (width, height), (200, 40, 40))
    image.paste((30, 60, 200), (width // 2, 0, width, height))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_editor_picks_venue_and_topic_sets_the_focal_point_and_publishes_now(
    page, live_server, transactional_db, django_user_model, settings, tmp_path, axe
):
    settings.MEDIA_ROOT = tmp_path
    settings.FORM_MIN_FILL_SECONDS = 0  # the login form's minimum fill time; a script types faster
    user, secret = _editor(django_user_model)
    Venue.objects.create(name="Malzhaus", street="Alter Teich 7", postcode="08527", town="Plauen", region="vogtland")
    Venue.objects.create(name="Stadthalle", town="Chemnitz")
    topic = Topic.objects.create(name="Künstliche Intelligenz", slug="ki")
    Topic.objects.create(name="Mobilität", slug="mobilitaet")
    Series.objects.create(name="Digitalstammtisch", slug="digitalstammtisch")

    page.goto("/konto/login/?next=/admin/events/event/add/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/2fa/authenticate/"))
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/admin/events/event/add/")

    assert axe(page) == []  # the autocomplete fields have names, the folded sections are headed
    start = timezone.localtime() + timedelta(days=30)
    form = page.locator("#content-main form")
    form.locator("[name=title_de]").fill("KI-Werkstatt Plauen")
    # German and English of a text are tabs: the English field shows once its tab is chosen.
    title_en = form.locator("[name=title_en]")
    assert not title_en.is_visible()
    form.locator(".field-title_en").locator("xpath=preceding-sibling::*[@role='tablist'][1]").get_by_role(
        "tab", name="Englisch"
    ).click()
    assert title_en.is_visible() and not form.locator("[name=title_de]").is_visible()
    title_en.fill("AI workshop Plauen")
    for name, value in (("start_0", start.strftime("%d.%m.%Y")), ("start_1", "17:00:00")):
        form.locator(f"[name={name}]").fill(value)
    for name, value in (("end_0", start.strftime("%d.%m.%Y")), ("end_1", "20:00:00")):
        form.locator(f"[name={name}]").fill(value)

    # The autocomplete speaks German (select2's own catalogue), then finds the venue and the topic.
    page.locator("#content-main form .field-series .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("xyz")
    page.get_by_text("Keine Übereinstimmungen gefunden").wait_for()
    page.keyboard.press("Escape")
    select2_pick(page, "venue", "Malzhaus")
    select2_pick(page, "topics", "Künstliche Intelligenz")
    assert axe(page) == []

    # The image: chosen, shown in the picker at once, and the focal point set by a click on its right part.
    form.locator("input[name=image]").set_input_files(
        files=[{"name": "werkstatt.png", "mimeType": "image/png", "buffer": _png()}]
    )
    picture = page.locator("[data-focal-picker] img")
    picture.wait_for()
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.8, "y": box["height"] * 0.25})
    marker = page.locator("[data-focal-picker] .focal-marker")
    assert marker.is_visible()
    assert 78 <= int(form.locator("[name=focal_x]").input_value()) <= 82
    assert 23 <= int(form.locator("[name=focal_y]").input_value()) <= 27
    assert marker.evaluate("m => m.style.left") == form.locator("[name=focal_x]").input_value() + "%"
    form.locator("[name=image_alt]").fill("Teilnehmende an Laptops in der Werkstatt")

    form.locator("input[name=_publish]").click()
    page.locator(".messagelist .success").wait_for()
    assert page.locator(".errornote").count() == 0, page.locator("#content-main").inner_text()[:2000]

    event = Event.objects.get(title="KI-Werkstatt Plauen")
    assert event.status == Event.Status.PUBLISHED and event.is_public
    assert (event.title_de, event.title_en) == ("KI-Werkstatt Plauen", "AI workshop Plauen")
    assert event.venue.name == "Malzhaus" and list(event.topics.all()) == [topic]
    assert event.region == "vogtland"  # from the venue
    assert 78 <= event.focal_x <= 82 and event.image_thumbnail
    with Image.open(event.image_thumbnail.path) as thumb:
        assert thumb.size == (640, 360)
    # The saved image is in the picker now, the marker where it was put.
    assert page.locator("[data-focal-picker] img").get_attribute("src") == event.image.url
    page.locator(".messagelist .success a").click()  # the message links the public page
    page.wait_for_url(f"**{event.get_absolute_url()}")
    assert "Malzhaus" in page.locator("main").inner_text()
    assert page.console_errors == []  # among them any Content-Security-Policy violation
