"""One person's data across all apps (issue 13): preview, erasure, export, through the registry."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from events import services as events_services
from events.models import Event, Registration, Venue
from members.models import Contact, MembershipApplication, User
from news.models import PressContact
from newsletter.models import Delivery, Mailing, Subscriber
from newsletter.services import subscriber_subscribe
from swsdigital.mail.models import OutboxEmail
from swsdigital.mail.services import email_queue
from swsdigital.privacy.models import Consent, ErasureRecord
from swsdigital.privacy.services import (
    consent_record,
    person_erase,
    person_export,
    person_preview,
)
from tests.members.factories import application_submit, member_admitted

pytestmark = pytest.mark.django_db

EMAIL = "erika.beispielfrau@example.org"
NAME = "Beispielfrau"


def _event(**kwargs) -> Event:
    start = kwargs.pop("start", timezone.now() + timedelta(days=10))
    n = Event.objects.count() + 1
    event = Event(
        title=f"Digitaltag {n}",
        slug=f"digitaltag-{n}",
        start=start,
        end=start + timedelta(hours=2),
        status=Event.Status.PUBLISHED,
        venue=Venue.objects.get_or_create(name="Werkbank32")[0],
        **kwargs,
    )
    event.full_clean()
    event.save()
    return event


@pytest.fixture
def person():
    """A member's (not main) contact with an account, a participant, a subscriber with deliveries, with
    outbox mails, consents, an old application, a press contact and admin log entries — all one address."""
    member = member_admitted(email="chefin@example.org", first_name="Clara", last_name="Chefin")
    user = User.objects.create_user(
        email=EMAIL, password="ein-sicheres-passwort-42", first_name="Erika", last_name=NAME
    )
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    contact = Contact.objects.create(member=member, user=user, first_name="Erika", last_name=NAME, email=EMAIL)
    coming, past = _event(capacity=1), _event()
    events_services.registration_create(event=coming, name=f"Erika {NAME}", email=EMAIL)
    events_services.registration_create(event=past, name=f"Erika {NAME}", email=EMAIL.upper())
    yesterday = timezone.now() - timedelta(days=1)
    Event.objects.filter(pk=past.pk).update(start=yesterday - timedelta(hours=2), end=yesterday)
    waiting, _created = events_services.registration_create(
        event=coming, name="Wanda Warteliste", email="w@example.org"
    )
    subscriber = subscriber_subscribe(email=EMAIL, language="de", source="form", name=f"Erika {NAME}")
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.CONFIRMED)
    for subject in ("Ausgabe 1", "Ausgabe 2"):
        Delivery.objects.create(mailing=Mailing.objects.create(subject=subject, body="Hallo"), subscriber=subscriber)
    consent_record(key="privacy", email=EMAIL, source="test", ip="192.0.2.7", confirmed=True)
    application_submit(email=EMAIL, first_name="Erika", last_name=NAME, confirmed=False)
    email_queue(to="office@example.org", subject="Neue Anfrage", text=f"Bitte melden bei {EMAIL}", html="")
    press = PressContact.objects.create(name=f"Erika {NAME}", email=EMAIL)
    LogEntry.objects.create(
        user=User.objects.get(email="chefin@example.org"),
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(Registration.objects.get(event=coming, email=EMAIL).pk),
        object_repr=f"Erika {NAME} – {coming}",
        action_flag=CHANGE,
    )
    return {"member": member, "user": user, "contact": contact, "coming": coming, "waiting": waiting, "press": press}


def _findable(*needles: str) -> list[str]:
    """Return every model and field in which any text field still holds one of the needles."""
    found = []
    for model in apps.get_models():
        if model is ErasureRecord:
            continue
        for field in model._meta.concrete_fields:
            if getattr(field, "encrypted", False):  # the database sees tokens only: compare decrypted values
                values = [str(v).lower() for v in model._default_manager.values_list(field.attname, flat=True) if v]
                hits = [n for n in needles if any(n.lower() in v for v in values)]
                found += [f"{model._meta.label}.{field.name} ~ {n}" for n in hits]
                continue
            if isinstance(field, (models.CharField, models.TextField)):
                qs, key = model._default_manager.all(), f"{field.attname}__icontains"
            elif isinstance(field, models.JSONField):
                qs = model._default_manager.annotate(_as_text=Cast(field.attname, TextField()))
                key = "_as_text__icontains"
            else:
                continue
            for needle in needles:
                if qs.filter(**{key: needle}).exists():
                    found.append(f"{model._meta.label}.{field.name} ~ {needle}")
    return found


def _kinds(holdings) -> dict[str, tuple[int, str]]:
    return {h.kind: (h.count, h.action) for h in holdings}


def test_preview_lists_every_kind_held(person):
    preview = person_preview(email=f"  {EMAIL.upper()} ")
    kinds = _kinds(preview.holdings)
    assert kinds["members.user"] == (1, "erased")
    assert kinds["members.contact"] == (1, "erased")
    assert kinds["members.membershipapplication"] == (1, "erased")
    assert kinds["members.member"][1] == "kept"
    assert kinds["events.registration"] == (2, "anonymised")
    assert kinds["newsletter.subscriber"] == (1, "erased")
    assert kinds["newsletter.delivery"] == (2, "erased")
    assert kinds["mail.outboxemail"][1] == "erased" and kinds["mail.outboxemail"][0] >= 3
    assert kinds["mail.outboxemail.mention"] == (1, "anonymised")
    assert kinds["privacy.consent"][1] == "anonymised" and kinds["privacy.consent"][0] >= 3
    assert kinds["news.presscontact"] == (1, "erased")
    assert kinds["admin.logentry"][1] == "anonymised"
    assert preview.kept == [h for h in preview.holdings if h.kind == "members.member"]


def test_preview_of_an_unknown_address_says_nothing_held():
    preview = person_preview(email="niemand@example.org")
    assert preview.nothing_held


@pytest.mark.parametrize("bad", ["", "kein-at", "a\x00b@example.org", "x" * 250 + "@example.org"])
def test_bad_addresses_are_refused_with_a_message(bad):
    with pytest.raises(ValidationError):
        person_preview(email=bad)


def test_erasure_leaves_nothing_findable_and_records_counts_only(person, django_user_model):
    staff = django_user_model.objects.create_user(email="dsb@example.org", is_staff=True, first_name="Dana")
    assert _findable(EMAIL, NAME)  # the scan finds them before
    record = person_erase(email=EMAIL, by=staff)
    assert _findable(EMAIL, NAME) == []
    assert not User.objects.filter(email__iexact=EMAIL).exists()
    assert not EmailAddress.objects.filter(email__iexact=EMAIL).exists()
    assert not Contact.objects.filter(pk=person["contact"].pk).exists()
    assert not Subscriber.objects.filter(email__iexact=EMAIL).exists()
    assert not OutboxEmail.objects.filter(to__iexact=EMAIL).exists()
    # Counts stay: the registrations are anonymised, the coming one's place went to the waiting list.
    assert Registration.objects.filter(anonymised_at__isnull=False).count() == 2
    person["waiting"].refresh_from_db()
    assert person["waiting"].status == Registration.Status.CONFIRMED
    consent = Consent.objects.get(text__key="privacy", source="test")
    assert consent.email == "" and consent.given_ip is None and consent.withdrawn_at is not None
    assert consent.confirmed_at is not None  # the proof that the text was agreed stays
    # The record: who and how many, nothing of the person (not even a hash).
    record.refresh_from_db()
    assert record.by == staff and "Dana" in record.by_label
    assert {h["kind"] for h in record.holdings} >= {"members.user", "events.registration", "newsletter.delivery"}
    assert all(set(h) == {"kind", "count", "action"} for h in record.holdings)
    assert EMAIL not in json.dumps(record.holdings) and NAME not in json.dumps(record.holdings)
    assert person_preview(email=EMAIL).holdings == [
        h for h in person_preview(email=EMAIL).holdings if h.action == "kept"
    ]


def test_dry_run_changes_nothing(person, capsys):
    before = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    call_command("person_erase", EMAIL, "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run" in out and "2" in out
    assert {m._meta.label: m._default_manager.count() for m in apps.get_models()} == before
    assert Registration.objects.filter(email=EMAIL).count() == 2
    assert not ErasureRecord.objects.exists()


def test_command_erases_and_refuses_bad_input(person, capsys):
    call_command("person_erase", EMAIL)
    assert "Erasure record" in capsys.readouterr().out
    record = ErasureRecord.objects.get()
    assert record.via == ErasureRecord.Via.COMMAND and record.by is None
    with pytest.raises(CommandError):
        call_command("person_erase", "a\x00b@example.org")
    call_command("person_erase", "niemand@example.org", "--dry-run")
    assert "Nothing is held" in capsys.readouterr().out


def test_main_contact_is_kept_with_a_clear_reason_and_the_rest_is_erased():
    member = member_admitted(email="main@example.org", first_name="Maria", last_name="Hauptfrau", newsletter=False)
    subscriber_subscribe(email="main@example.org", language="de", source="form")
    preview = person_preview(email="main@example.org")
    kinds = _kinds(preview.holdings)
    assert kinds["members.contact.main"] == (1, "kept")
    assert kinds["members.user.main_contact"] == (1, "kept")
    assert kinds["members.membershipapplication.main_contact"] == (1, "kept")
    reason = next(h.reason for h in preview.holdings if h.kind == "members.contact.main")
    assert "Hauptansprechperson" in str(reason)
    record = person_erase(email="main@example.org")
    assert Contact.objects.filter(member=member, is_main=True, email="main@example.org").exists()
    assert User.objects.filter(email="main@example.org").exists()
    assert not Subscriber.objects.filter(email="main@example.org").exists()
    assert {"kind": "members.contact.main", "count": 1, "action": "kept"} in record.holdings
    # Once the membership ended, the main contact can go too.
    member.status = member.Status.ENDED
    member.save()
    person_erase(email="main@example.org")
    assert not Contact.objects.filter(email="main@example.org").exists()
    assert not User.objects.filter(email="main@example.org").exists()
    application = MembershipApplication.objects.get(member=member)
    assert application.email == "" and application.first_name == "" and application.name  # proof of admission


def test_staff_accounts_are_kept(django_user_model):
    django_user_model.objects.create_user(email="staff@example.org", is_staff=True)
    assert _kinds(person_preview(email="staff@example.org").holdings) == {"members.user.staff": (1, "kept")}
    person_erase(email="staff@example.org")
    assert django_user_model.objects.filter(email="staff@example.org").exists()


def test_export_contains_each_kind(person):
    data = person_export(email=EMAIL)["data"]
    assert data["members"]["accounts"][0]["last_name"] == NAME
    assert data["members"]["contacts"][0]["member"] == person["member"].name
    assert data["members"]["applications"][0]["email"] == EMAIL
    assert len(data["events"]["registrations"]) == 2
    assert len(data["newsletter"]["subscriptions"][0]["deliveries"]) == 2
    assert data["mail"]["emails"]
    assert data["privacy"][0]["key"]
    assert data["news"]["press_contacts"][0]["email"] == EMAIL
    assert data["admin"]
    assert person_export(email="niemand@example.org")["data"] == {}


def test_export_command_prints_json(person, capsys):
    call_command("person_export", EMAIL)
    data = json.loads(capsys.readouterr().out)
    assert data["email"] == EMAIL and "events" in data["data"]


def test_members_area_export_holds_the_registry_export(client, person):
    main = User.objects.get(email="chefin@example.org")
    client.force_login(main)
    data = json.loads(client.get(reverse("members:area_export")).content)
    assert data["person"]["email"] == "chefin@example.org"
    assert "members" in data["person"]["data"]
