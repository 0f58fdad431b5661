"""End-to-end journeys in a real browser against the live server, with a real worker and SMTP sink."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from events.models import Event, Registration, Venue
from members.models import Member, MembershipType, Region
from swsdigital.pages import demo
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.select2 import select2_pick
from tests.conftest import give_second_factor, totp_code
from tests.harness import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.integration]

LINK = re.compile(re.escape(settings.SITE_URL) + r"(/[^\s<>\"]+)")


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _link(message, contains: str) -> str:
    """Return the path of the first link in a received email that contains a fragment."""
    return next(path for path in LINK.findall(_text(message)) if contains in path)


@pytest.fixture
def journey(settings, transactional_db, celery_worker, smtp_sink):
    """A loaded site whose forms accept a submission at once (the live server reads settings per request)."""
    settings.FORM_MIN_FILL_SECONDS = 0
    demo.load()
    return smtp_sink


def test_visitor_finds_an_event_registers_and_cancels_from_the_mail(page, journey):
    start = timezone.now() + timedelta(days=14)
    event = Event.objects.create(
        title="SmartRailCampus Mittweida", slug="smartrailcampus-mittweida", teaser="Bahn der Zukunft",
        description="Vorträge und Diskussion.", start=start, end=start + timedelta(hours=3),
        format=Event.Format.IN_PERSON, status=Event.Status.PUBLISHED, region=Event.Region.MITTELSACHSEN, capacity=30,
        venue=Venue.objects.create(name="Werkbank32", street="Bahnhofstraße 32", postcode="09648", town="Mittweida"),
    )  # fmt: skip
    page.goto("/")
    page.locator("#main-nav").get_by_role("link", name="Termine").first.click()
    page.wait_for_url("**/termine/")
    page.get_by_role("link", name="SmartRailCampus Mittweida").first.click()
    page.wait_for_url(f"**{event.get_absolute_url()}")
    page.get_by_label("Name").fill("Clara Vogt")
    page.get_by_label("E-Mail").fill("clara.vogt@example.org")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_text("Ihr Platz ist bestätigt").wait_for()

    [mail] = journey.wait_for(1, to="clara.vogt@example.org")
    assert "SmartRailCampus Mittweida" in mail["Subject"]
    page.goto(_link(mail, "/termine/anmeldung/"))
    page.get_by_role("link", name="Meine Anmeldung stornieren").click()
    page.get_by_role("heading", name="Wirklich stornieren?").wait_for()  # asked once, without JavaScript
    page.get_by_role("button", name="Ja, Anmeldung stornieren").click()
    page.get_by_text("Ihre Anmeldung wurde storniert").wait_for()
    assert "Storniert" in page.locator("main").inner_text()
    wait_until(
        lambda: Registration.objects.get(email="clara.vogt@example.org").status == Registration.Status.CANCELLED,
        message="registration cancelled",
    )


def _staff(django_user_model, email: str = "redaktion@sws-digital.example") -> tuple:
    """Create a staff user with every permission, a verified address and TOTP; return (user, secret)."""
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_superuser(email=email, password="Staff-Passwort-2026!")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, give_second_factor(user)


def _log_in(page, email: str, password: str, *, secret: str | None = None, next_url: str = "/") -> None:
    """Log in through the real login page, including the TOTP step for staff."""
    page.goto(f"/konto/login/?next={next_url}")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").first.click()
    if secret:
        page.locator("input[name=code]").fill(totp_code(secret))
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**{next_url}")


def test_organisation_applies_is_approved_sets_a_password_and_appears_in_the_directory(
    page, chromium, live_server, journey, django_user_model
):
    membership_type = MembershipType.objects.create(
        slug="unternehmen-klein", name_de="Unternehmen (1–9 Beschäftigte)", name_en="Company (1–9 employees)",
        category="company", annual_fee=Decimal("240.00"),
    )  # fmt: skip
    applicant = "anna.schubert@example.org"
    # 1. The organisation applies.
    page.goto("/mitglied-werden/")
    fields = {
        "name": "Erzgebirge Software GmbH", "legal_form": "GmbH", "sector": "Software", "street": "Bahnhofstraße 12",
        "postcode": "09456", "city": "Annaberg-Buchholz", "website": "https://erzgebirge-software.example",
        "description": "Wir entwickeln Software für den Mittelstand.", "first_name": "Anna",
        "last_name": "Schubert", "role": "Geschäftsführerin", "email": applicant, "phone": "03733 123456",
    }  # fmt: skip
    for name, value in fields.items():
        page.locator(f"form [name={name}]").fill(value)
    page.locator("select[name=region]").select_option(Region.ERZGEBIRGSKREIS)
    page.locator(f"input[name=membership_type][value='{membership_type.pk}']").check()
    for name in ("statutes", "privacy", "directory_listed"):
        page.locator(f"input[name={name}]").check()
    for value in ("description", "website"):
        page.locator(f"input[name=directory_fields][value={value}]").check()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/mitglied-werden/gesendet/")
    # 2. It confirms its address from the mail.
    [confirm_mail] = journey.wait_for(1, to=applicant)
    page.goto(_link(confirm_mail, "/bestaetigen/"))
    page.get_by_role("button", name="Antrag bestätigen").click()  # a mail scanner's GET confirms nothing
    page.get_by_text("Antrag bestätigt").first.wait_for()
    [staff_mail] = journey.wait_for(1, to=settings.STAFF_NOTIFICATION_EMAIL)
    change_path = _link(staff_mail, "/admin/members/membershipapplication/")
    # 3. Staff log in with password and TOTP and approve in the admin.
    staff_context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url, locale="de-DE")
    staff = staff_context.new_page()
    user, secret = _staff(django_user_model)
    _log_in(staff, user.email, "Staff-Passwort-2026!", secret=secret, next_url=change_path)
    staff.locator("#decision-form input[value=approve]").check()
    staff.locator("#decision-form input[type=submit]").click()
    staff.locator(".messagelist .success").wait_for()
    assert "Erzgebirge Software GmbH" in staff.locator(".messagelist").inner_text()
    staff_context.close()
    # 4. The contact sets a password from the welcome mail.
    welcome = journey.wait_for(2, to=applicant)[1]
    page.goto(_link(welcome, "/password/reset/key/"))
    page.get_by_role("heading", name="Passwort festlegen").wait_for()
    password = "Vogtland-Erzgebirge-2026!"
    page.locator("input[name=password1]").fill(password)
    page.locator("input[name=password2]").fill(password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    wait_until(lambda: django_user_model.objects.get(email=applicant).check_password(password), message="password")
    # 5. Logs in and edits the profile.
    page.context.clear_cookies()
    _log_in(page, applicant, password, next_url="/konto/mitgliedschaft/")
    page.locator("form textarea[name=description]").fill("Software für Handwerk und Mittelstand im Erzgebirge.")
    page.locator("main form [type=submit][name=submit]").first.click()
    page.wait_for_load_state()
    wait_until(lambda: "Handwerk" in Member.objects.get().description, message="profile saved")
    # 6. The directory shows it.
    page.goto("/mitglieder/")
    page.get_by_role("link", name="Erzgebirge Software GmbH").first.click()
    page.get_by_text("Software für Handwerk und Mittelstand im Erzgebirge.").wait_for()


def _admin_save(page, fields: dict, selects: dict, *, button: str = "_continue") -> None:
    """Fill an admin change form and save it; fail with the admin's error list if it was rejected."""
    for name, value in fields.items():
        field = page.locator(f"#content-main form [name={name}]")
        if field.evaluate("e => !!e.closest('.prose-editor')"):  # the rich-text editor stands in for the textarea
            field = page.locator(f"#content-main .prose-editor:has([name={name}]) [contenteditable=true]")
        field.fill(value)
    for name, value in selects.items():
        page.locator(f"#content-main form select[name={name}]").select_option(value)
    page.locator(f"#content-main form input[name={button}]").click()
    page.locator(".messagelist .success, .errornote").first.wait_for()
    assert page.locator(".errornote").count() == 0, page.locator("#content-main").inner_text()[:2000]


def test_staff_create_preview_and_publish_an_event_and_a_press_release(
    page, chromium, live_server, journey, django_user_model
):
    from news.models import NewsItem

    user, secret = _staff(django_user_model)
    _log_in(page, user.email, "Staff-Passwort-2026!", secret=secret, next_url="/admin/")
    start = timezone.localtime() + timedelta(days=21)
    # The event: a draft first, previewed on its public page, then published.
    Venue.objects.create(name="Malzhaus", street="Alter Teich 7", postcode="08527", town="Plauen")
    page.goto("/admin/events/event/add/")
    select2_pick(page, "venue", "Malzhaus")  # venues are records, chosen by typing a few letters
    event_fields = {
        "title_de": "Digitaltag Plauen", "teaser_de": "KI im Mittelstand",
        "description_de": "Vorträge, Werkstätten und Austausch.", "start_0": start.strftime("%d.%m.%Y"),
        "start_1": "16:00:00", "end_0": start.strftime("%d.%m.%Y"), "end_1": "19:00:00",
    }  # fmt: skip
    _admin_save(page, event_fields, {"format": "in_person", "region": "vogtland", "status": "draft"})
    event = Event.objects.get(title="Digitaltag Plauen")  # the admin filled the slug from the title
    assert event.slug == "digitaltag-plauen"
    assert event.status == Event.Status.DRAFT
    preview = page.context.new_page()
    preview.goto(event.get_absolute_url())
    assert preview.get_by_role("heading", level=1).inner_text() == "Digitaltag Plauen"
    _admin_save(page, {}, {"status": "published"})
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED
    # The press release: a draft, its preview link, then published.
    page.goto("/admin/news/newsitem/add/")
    news_fields = {
        "title_de": "Netzwerk wächst im Vogtland", "dateline_place": "Plauen",
        "lead_de": "Zwölf neue Mitglieder seit dem Frühjahr.", "body_de": "Das Netzwerk wächst weiter.",
    }  # fmt: skip
    _admin_save(page, news_fields, {"kind": "press_release", "status": "draft"})
    item = NewsItem.objects.get(title="Netzwerk wächst im Vogtland")
    assert item.slug and item.status == NewsItem.Status.DRAFT
    preview.goto(f"/presse/vorschau/{item.pk}/")
    preview.get_by_text("Zwölf neue Mitglieder seit dem Frühjahr.").first.wait_for()
    anonymous = chromium.new_context(base_url=live_server.url, locale="de-DE").new_page()
    anonymous.goto("/")
    assert "Netzwerk wächst im Vogtland" not in anonymous.content()
    assert "Digitaltag Plauen" in anonymous.content()
    _admin_save(page, {}, {"status": "published"})
    assert NewsItem.objects.get(pk=item.pk).is_visible
    # Both appear on the home page for a visitor.
    anonymous.goto("/")
    anonymous.get_by_role("link", name="Netzwerk wächst im Vogtland").first.wait_for()
    anonymous.get_by_role("link", name="Digitaltag Plauen").first.click()
    anonymous.wait_for_url(f"**{event.get_absolute_url()}")
    anonymous.context.close()


def test_visitor_subscribes_confirms_receives_a_mailing_and_unsubscribes_in_one_click(
    page, chromium, live_server, journey
):
    from newsletter import services
    from newsletter.models import Mailing, Subscriber

    page.goto("/newsletter/")
    page.locator("main form input[name=email]").fill("jonas.lehmann@example.org")
    page.locator("main form input[name=consent]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/newsletter/danke/")
    [confirmation] = journey.wait_for(1, to="jonas.lehmann@example.org")
    page.goto(_link(confirmation, "/newsletter/"))
    page.get_by_role("button", name="Anmeldung bestätigen").click()
    page.get_by_text("jonas.lehmann@example.org erhält ab jetzt").wait_for()
    subscriber = Subscriber.objects.get(email="jonas.lehmann@example.org")
    assert subscriber.status == Subscriber.Status.CONFIRMED

    mailing = Mailing.objects.create(
        subject="Neues aus dem Netzwerk", body="<h2>Hallo</h2><p>Der <strong>Digitaltag</strong> kommt.</p>",
        subject_en="News from the network", body_en="<p>The <strong>digital day</strong> is coming.</p>",
        include_events=False, include_news=False,
    )  # fmt: skip
    with transaction.atomic():
        services.mailing_send(mailing=mailing)
    [issue] = [m for m in journey.wait_for(2, to=subscriber.email) if m["List-Unsubscribe"]]
    assert issue["Subject"] == "Neues aus dem Netzwerk"
    assert issue["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The mail provider's one-click: a bare POST without cookies or CSRF token.
    url = issue["List-Unsubscribe"].strip("<>").replace(settings.SITE_URL, "")
    bare = chromium.new_context(base_url=live_server.url)
    response = bare.request.post(
        url, data="List-Unsubscribe=One-Click", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 200 and bare.cookies() == []
    bare.close()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


@pytest.fixture
def full_site(settings, transactional_db):
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())


def _main_pages() -> list[str]:
    from news.models import NewsItem

    event = Event.objects.filter(status=Event.Status.PUBLISHED).order_by("start").last()
    item = NewsItem.objects.visible().first()
    member = Member.objects.filter(directory_listed=True).first()
    return [
        "/", "/termine/", event.get_absolute_url(), "/presse/", item.get_absolute_url(), "/mitglieder/",
        member.get_absolute_url(), "/mitglied-werden/", "/newsletter/",
    ]  # fmt: skip


def test_language_switch_keeps_the_page_on_every_page_type(page, full_site):
    for path in _main_pages():
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "de"
        heading = page.get_by_role("heading", level=1).inner_text()
        page.locator(".lang-switch a[hreflang=en]").click()
        page.wait_for_url(re.compile(r"/en/"))
        assert page.locator("html").get_attribute("lang") == "en"
        english = page.url
        page.locator(".lang-switch a[hreflang=de]").click()
        page.wait_for_url(lambda url: "/en/" not in url)
        assert page.url.endswith(path), (path, english, page.url)
        assert page.get_by_role("heading", level=1).inner_text() == heading


def test_main_pages_have_no_horizontal_scroll_at_phone_width(page, full_site):
    page.set_viewport_size(PHONE)
    for path in _main_pages():
        page.goto(path)
        for language in ("de", "en"):
            if language == "en":  # the English address of a German path comes from the switch, in the menu
                page.locator(".navbar-toggler").click()
                page.locator("#main-nav.collapse.show").wait_for()
                page.locator(".lang-switch a[hreflang=en]").click()
                page.wait_for_url(re.compile(r"/en/"))
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (page.url, overflow)
