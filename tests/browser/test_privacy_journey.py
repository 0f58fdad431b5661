"""Issue 13, done-when: the privacy contact erases a person who is a member contact, a participant and a
subscriber — in a real browser, logged in with password and TOTP — and afterwards nothing of them shows
anywhere: the admin's searches, the public pages, the exports, the outbox."""

import csv
import io
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from events import services as events_services
from events.models import Event, Venue
from members.models import Contact, User
from newsletter.models import Subscriber
from newsletter.services import subscriber_subscribe
from swsdigital.core.roles import PRIVACY, roles_sync
from swsdigital.mail.models import OutboxEmail
from swsdigital.privacy.models import ErasureRecord
from tests.browser.test_journeys import _log_in
from tests.conftest import give_second_factor
from tests.harness import wait_until
from tests.members.factories import member_admitted

pytestmark = [pytest.mark.browser, pytest.mark.integration]

EMAIL = "jonas.beispielmann@example.org"
SURNAME = "Beispielmann"
PASSWORD = "Datenschutz-Passwort-2026!"


def _office_client() -> Client:
    """An IT superuser's client (with its second factor), to look everywhere afterwards."""
    user = User.objects.create_superuser(email="it@sws-digital.example", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    give_second_factor(user)
    client = Client()
    client.force_login(user)
    return client


def test_the_privacy_contact_erases_a_contact_participant_and_subscriber(
    page, settings, transactional_db, celery_worker, smtp_sink
):
    settings.FORM_MIN_FILL_SECONDS = 0
    # The person: a (not main) contact of a listed member, with an account, a participant of a coming
    # event, a confirmed subscriber; each step sent them mail through the outbox.
    member = member_admitted(email="chefin@erzgebirge-software.example", name="Erzgebirge Software GmbH")
    member.directory_listed, member.directory_fields = True, ["description", "contact"]
    member.save()
    user = User.objects.create_user(email=EMAIL, password="ein-sicheres-passwort-42", first_name="Jonas")
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    Contact.objects.create(member=member, user=user, first_name="Jonas", last_name=SURNAME, email=EMAIL)
    start = timezone.now() + timedelta(days=9)
    event = Event.objects.create(
        title="Digital-Gipfel Zwickau", slug="digital-gipfel-zwickau", start=start, end=start + timedelta(hours=5),
        status=Event.Status.PUBLISHED, venue=Venue.objects.get_or_create(name="Stadthalle")[0], capacity=50,
    )  # fmt: skip
    events_services.registration_create(event=event, name=f"Jonas {SURNAME}", email=EMAIL)
    subscriber = subscriber_subscribe(email=EMAIL, language="de", source="form", name=f"Jonas {SURNAME}")
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.CONFIRMED)
    smtp_sink.wait_for(2, to=EMAIL)  # registration confirmation and opt-in request
    # The privacy contact: a staff account holding only the role Datenschutz.
    roles_sync()
    staff = User.objects.create_user(email="datenschutz@sws-digital.example", password=PASSWORD, is_staff=True)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    staff.groups.set(Group.objects.filter(name=PRIVACY))
    secret = give_second_factor(staff)
    _log_in(page, staff.email, PASSWORD, secret=secret, next_url="/admin/privacy/erasurerecord/erase/")

    # 1. The preview lists every kind of record before anything changes.
    page.locator("input[name=email]").fill(f"  {EMAIL.upper()} ")
    page.get_by_role("button", name="Gespeicherte Daten anzeigen").click()
    preview = page.locator("#person-preview")
    preview.wait_for()
    text = preview.inner_text()
    for kind in ("Benutzerkonten", "Ansprechpersonen", "Veranstaltungsanmeldungen", "Newsletter", "E-Mails"):
        assert kind in text, text
    assert User.objects.filter(email=EMAIL).exists()

    # 2. The export goes to the person, never onto the staff member's screen.
    page.get_by_role("button", name="Auskunft an diese Adresse senden").click()
    page.locator(".messagelist .success").wait_for()
    assert SURNAME not in page.locator("#content-main").inner_text()
    export_mail = smtp_sink.wait_for(3, to=EMAIL)[-1]
    assert any(part.get_filename() for part in export_mail.iter_attachments())

    # The admin's searches find the person before (so that finding nothing afterwards means something).
    office = _office_client()
    for changelist in ("/admin/newsletter/subscriber/", "/admin/events/registration/", "/admin/members/user/"):
        assert (
            office.get(changelist, {"q": SURNAME if "user" not in changelist else EMAIL}).context["cl"].result_count
            == 1
        ), changelist

    # 3. One confirmation erases everything; the record shows counts, no personal data.
    page.locator("input[name=email]").fill(EMAIL)
    page.get_by_role("button", name="Gespeicherte Daten anzeigen").click()
    page.get_by_role("button", name="Jetzt alles löschen").click()
    page.locator(".messagelist .success").wait_for()
    record = ErasureRecord.objects.get()
    assert record.by == staff
    record_page = page.locator("#content-main").inner_text()
    assert EMAIL not in record_page and SURNAME not in record_page

    # 4. Nothing of the person shows anywhere afterwards.
    searched = 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.search_fields:
            continue
        searched += 1
        changelist = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for needle in (EMAIL, SURNAME):
            response = office.get(changelist, {"q": needle})
            assert response.status_code == 200, (changelist, response.status_code)
            assert response.context["cl"].result_count == 0, (changelist, needle)
    assert searched >= 10
    for url in (member.get_absolute_url(), event.get_absolute_url(), "/mitglieder/"):
        assert SURNAME not in Client().get(url).content.decode(), url
    export = office.get(f"/admin/events/event/{event.pk}/export/")
    assert export.status_code == 200 and SURNAME not in export.content.decode("utf-8-sig")
    subscribers = office.post("/admin/newsletter/subscriber/", {"action": "export_csv", "_selected_action": []})
    assert SURNAME not in subscribers.content.decode("utf-8-sig", errors="replace")
    members_csv = office.post(
        "/admin/members/member/", {"action": "export_csv", "_selected_action": [member.pk]}
    ).content.decode("utf-8-sig")
    assert SURNAME not in "".join(";".join(row) for row in csv.reader(io.StringIO(members_csv), delimiter=";"))
    wait_until(lambda: not OutboxEmail.objects.filter(to__icontains=EMAIL).exists(), message="outbox erased")
    assert not OutboxEmail.objects.filter(body_text__icontains=SURNAME).exists()
    # The person can no longer log in: the account is gone.
    assert not User.objects.filter(email__iexact=EMAIL).exists()
