"""Issue 13, self-service erasure: a member's contact (not the main one) deletes their own account in a real
browser — from the member area, with the preview, a wrong and then the right password — and is logged out
with nothing of them left; the member organisation and its main contact stay."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from events import services as events_services
from events.models import Event, Registration, Venue
from members.models import Contact, Member, User
from newsletter.models import Subscriber
from newsletter.services import subscriber_subscribe
from swsdigital.privacy.models import ErasureRecord
from tests.browser.test_journeys import _log_in
from tests.members.factories import member_admitted

pytestmark = pytest.mark.browser

EMAIL = "greta.gruenberg@example.org"
SURNAME = "Grünberg"
PASSWORD = "Mein-Konto-Passwort-2026!"


def test_a_member_contact_deletes_their_account(page, settings, transactional_db, axe):
    settings.FORM_MIN_FILL_SECONDS = 0
    member = member_admitted(email="chefin@vogtland-digital.example", name="Vogtland Digital GmbH")
    user = User.objects.create_user(email=EMAIL, password=PASSWORD, first_name="Greta", last_name=SURNAME)
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    Contact.objects.create(member=member, user=user, first_name="Greta", last_name=SURNAME, email=EMAIL)
    start = timezone.now() + timedelta(days=12)
    event = Event.objects.create(
        title="Netzwerkabend Plauen", slug="netzwerkabend-plauen", start=start, end=start + timedelta(hours=3),
        status=Event.Status.PUBLISHED, venue=Venue.objects.get_or_create(name="Malzhaus")[0], capacity=40,
    )  # fmt: skip
    events_services.registration_create(event=event, name=f"Greta {SURNAME}", email=EMAIL)
    subscriber_subscribe(email=EMAIL, language="de", source="form", name=f"Greta {SURNAME}")

    area = reverse("members:area")
    _log_in(page, EMAIL, PASSWORD, next_url=area)
    # 1. From the member area to the deletion page, which shows what is held before anything changes.
    page.locator(f'nav a[href="{reverse("members:account_delete")}"]').click()
    page.wait_for_url(f"**{reverse('members:account_delete')}")
    preview = page.locator("#account-preview").inner_text()
    for kind in ("Benutzerkonten", "Ansprechpersonen", "Veranstaltungsanmeldungen", "Newsletter"):
        assert kind in preview, preview
    assert "§ 147 AO" in page.locator("main").inner_text()
    assert axe(page) == []

    # 2. A wrong password is refused in German; nothing is gone.
    page.locator("input[name=password]").fill("falsches-passwort")
    page.locator("main form button.btn-danger").click()
    page.get_by_text("Falsches Passwort.").wait_for()
    assert User.objects.filter(pk=user.pk).exists()

    # 3. The right one deletes everything and logs out.
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button.btn-danger").click()
    page.wait_for_url(f"**{reverse('members:account_deleted')}")
    assert SURNAME not in page.locator("main").inner_text()
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Contact.objects.filter(email=EMAIL).exists()
    assert not Subscriber.objects.filter(email=EMAIL).exists()
    assert not Registration.objects.filter(name__icontains=SURNAME).exists()
    assert Member.objects.filter(pk=member.pk).exists() and Contact.objects.filter(member=member, is_main=True).exists()
    assert ErasureRecord.objects.get().via == ErasureRecord.Via.SELF

    # 4. Logged out: the member area asks for a login, and the old password no longer opens anything.
    page.goto(area)
    page.wait_for_url("**/login/**")
    page.locator("input[name=login]").fill(EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.locator("main .alert, main .errorlist, main [role=alert]").first.wait_for()
    assert "/login/" in page.url
    # The refused password came back with status 400 (as every form with errors does); nothing else failed.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
