"""Self-service privacy for every account (issue 13): deleting one's account (Art. 17) and "My data" (Art. 15).

Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from events import services as events_services
from events.models import Event, Registration, Venue
from members import services
from members.models import Contact, Member, User
from newsletter.models import Delivery, Mailing, Subscriber
from newsletter.services import subscriber_subscribe
from swsdigital.mail.models import OutboxEmail
from swsdigital.mail.services import email_queue
from swsdigital.privacy.models import Consent, ErasureRecord
from swsdigital.privacy.services import consent_record
from tests.harness import simultaneously
from tests.members.factories import member_admitted

pytestmark = pytest.mark.django_db

EMAIL = "paula.pfeiffer@example.org"
SECOND = "p.pfeiffer@privat.example"
UNVERIFIED = "fremd@example.org"  # added to the account but never confirmed: not the person's to erase
SURNAME = "Pfeiffer"
PASSWORD = "ein-sicheres-passwort-42"


def _event(title: str, **kwargs) -> Event:
    start = kwargs.pop("start", timezone.now() + timedelta(days=10))
    n = Event.objects.count() + 1
    return Event.objects.create(
        title=title, slug=f"termin-{n}", start=start, end=start + timedelta(hours=2),
        status=Event.Status.PUBLISHED, venue=Venue.objects.get_or_create(name="Werkbank32")[0], **kwargs,
    )  # fmt: skip


@pytest.fixture
def person():
    """A member's contact (not the main one) with two confirmed addresses and one unconfirmed; registered
    for an event under each confirmed address, subscribed with deliveries, with consents and mail."""
    member = member_admitted(email="chefin@example.org", first_name="Clara", last_name="Chefin")
    user = User.objects.create_user(email=EMAIL, password=PASSWORD, first_name="Paula", last_name=SURNAME)
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    EmailAddress.objects.create(user=user, email=SECOND, verified=True, primary=False)
    EmailAddress.objects.create(user=user, email=UNVERIFIED, verified=False, primary=False)
    contact = Contact.objects.create(member=member, user=user, first_name="Paula", last_name=SURNAME, email=EMAIL)
    event = _event("Digitaltag Plauen", capacity=20)
    events_services.registration_create(event=event, name=f"Paula {SURNAME}", email=EMAIL)
    events_services.registration_create(event=_event("KI-Frühstück"), name=f"Paula {SURNAME}", email=SECOND)
    # Someone else, at the same event and under the address the account never confirmed.
    events_services.registration_create(event=event, name="Frieda Fremd", email=UNVERIFIED)
    events_services.registration_create(event=event, name="Otto Anders", email="otto@example.org")
    subscriber = subscriber_subscribe(email=SECOND, language="de", source="form", name=f"Paula {SURNAME}")
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.CONFIRMED)
    Delivery.objects.create(mailing=Mailing.objects.create(subject="Ausgabe 7", body="Hallo"), subscriber=subscriber)
    consent_record(key="privacy", email=EMAIL, source="test", ip="192.0.2.9", confirmed=True)
    email_queue(to=EMAIL, subject="Willkommen", text="Hallo Paula", html="")
    return {"member": member, "user": user, "contact": contact, "event": event}


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _delete_url() -> str:
    return reverse("members:account_delete")


# --- paths and links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "german", "english"),
    [
        ("members:my_data", "/konto/meine-daten/", "/en/account/my-data/"),
        ("members:my_data_json", "/konto/meine-daten/json/", "/en/account/my-data/json/"),
        ("members:account_delete", "/konto/loeschen/", "/en/account/delete/"),
        ("members:account_deleted", "/konto/geloescht/", "/en/account/deleted/"),
    ],
)
def test_translated_paths(name, german, english):
    with translation.override("de"):
        assert reverse(name) == german
    with translation.override("en"):
        assert reverse(name) == english


def test_the_account_pages_link_my_data_and_deletion(person, django_user_model):
    # A member's contact lands in the member area, everyone else in the account settings: both link both.
    member_html = _client(person["user"]).get(reverse("members:area")).content.decode()
    nobody = django_user_model.objects.create_user(email="nur-konto@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=nobody, email=nobody.email, verified=True, primary=True)
    settings_html = _client(nobody).get(reverse("account_email")).content.decode()
    for html in (member_html, settings_html):
        assert f'href="{reverse("members:my_data")}"' in html
        assert f'href="{_delete_url()}"' in html


def test_anonymous_visitors_are_sent_to_the_login(client):
    for name in ("members:my_data", "members:my_data_json", "members:account_delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert client.post(_delete_url(), {"password": PASSWORD}).status_code == 302


# --- deleting the account ----------------------------------------------------------------------------


def test_get_shows_the_preview_of_every_confirmed_address_and_deletes_nothing(person):
    response = _client(person["user"]).get(_delete_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert response.headers["Cache-Control"].startswith("max-age=0")
    preview_emails = [p.email for p in response.context["previews"]]
    assert preview_emails == [EMAIL, SECOND]  # the unconfirmed address is not the person's to erase
    kinds = {h.kind for p in response.context["previews"] for h in p.holdings}
    assert {"members.user", "members.contact", "events.registration", "newsletter.subscriber"} <= kinds
    assert 'name="password"' in html and "csrfmiddlewaretoken" in html
    assert "§ 147 AO" in html
    assert User.objects.filter(pk=person["user"].pk).exists() and not ErasureRecord.objects.exists()


def test_the_wrong_password_is_refused_with_a_translated_message(person):
    client = _client(person["user"])
    response = client.post(_delete_url(), {"password": "falsch"})
    assert response.status_code == 400
    assert "Falsches Passwort." in response.content.decode()
    with translation.override("en"):
        english = client.post(reverse("members:account_delete"), {"password": "wrong"})
    assert english.status_code == 400 and "Incorrect password." in english.content.decode()
    assert User.objects.filter(pk=person["user"].pk).exists()
    assert Contact.objects.filter(pk=person["contact"].pk).exists()
    assert not ErasureRecord.objects.exists()


def test_deleting_erases_every_confirmed_address_in_one_go_and_logs_out(person):
    client = _client(person["user"])
    response = client.post(_delete_url(), {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("members:account_deleted")
    assert client.get(response["Location"]).status_code == 200
    # The account, its addresses and its contact entry are gone; the member and its main contact stay.
    assert not User.objects.filter(pk=person["user"].pk).exists()
    assert not EmailAddress.objects.filter(email__in=[EMAIL, SECOND]).exists()
    assert not Contact.objects.filter(pk=person["contact"].pk).exists()
    assert Member.objects.filter(pk=person["member"].pk).exists()
    assert Contact.objects.filter(member=person["member"], is_main=True).exists()
    # Under both confirmed addresses: registrations anonymised, subscription and mail gone, consent anonymised.
    assert not Registration.objects.filter(email__in=[EMAIL, SECOND]).exists()
    assert not Registration.objects.filter(name__icontains=SURNAME).exists()
    assert Registration.objects.filter(anonymised_at__isnull=False).count() == 2
    assert not Subscriber.objects.filter(email__in=[EMAIL, SECOND]).exists()
    assert not OutboxEmail.objects.filter(to__in=[EMAIL, SECOND]).exists()
    assert not Consent.objects.filter(email__in=[EMAIL, SECOND]).exists()
    # Other people's data — including under the address the account never confirmed — is untouched.
    assert Registration.objects.filter(email=UNVERIFIED, name="Frieda Fremd").exists()
    assert Registration.objects.filter(email="otto@example.org").exists()
    # One record, made by the person themselves, of kinds and counts only.
    record = ErasureRecord.objects.get()
    assert record.via == ErasureRecord.Via.SELF and record.by is None and record.by_label == ""
    dumped = json.dumps(record.holdings)
    assert EMAIL not in dumped and SECOND not in dumped and SURNAME not in dumped
    counts = {(h["kind"], h["action"]): h["count"] for h in record.holdings}
    assert counts[("events.registration", "anonymised")] == 2
    assert counts[("members.user", "erased")] == 1
    # Logged out: the account page asks for a login again.
    assert client.get(reverse("members:account")).status_code == 302


def test_a_second_confirm_is_harmless(person):
    client = _client(person["user"])
    assert client.post(_delete_url(), {"password": PASSWORD}).status_code == 302
    replay = client.post(_delete_url(), {"password": PASSWORD})
    assert replay.status_code == 302 and reverse("account_login") in replay["Location"]
    assert ErasureRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_confirms_erase_once(person):
    user = person["user"]
    results = simultaneously([lambda: services.account_erase(user=user), lambda: services.account_erase(user=user)])
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert ErasureRecord.objects.count() == 1
    assert sorted(r is None for r in results) == [False, True]
    assert not User.objects.filter(pk=user.pk).exists()


def test_get_never_deletes_and_other_methods_are_refused(person):
    client = _client(person["user"])
    for _ in range(3):
        client.get(_delete_url(), {"password": PASSWORD})
    assert client.put(_delete_url(), {"password": PASSWORD}).status_code == 405
    assert client.delete(_delete_url()).status_code == 405
    assert User.objects.filter(pk=person["user"].pk).exists() and not ErasureRecord.objects.exists()


def test_the_delete_needs_the_csrf_token(person):
    client = _client(person["user"], enforce_csrf_checks=True)
    assert client.post(_delete_url(), {"password": PASSWORD}).status_code == 403
    assert User.objects.filter(pk=person["user"].pk).exists()
    html = client.get(_delete_url()).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(_delete_url(), {"password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and not User.objects.filter(pk=person["user"].pk).exists()


def test_the_main_contact_of_an_active_member_is_sent_to_hand_over_or_resign(person):
    main = User.objects.get(email="chefin@example.org")
    main.set_password(PASSWORD)
    main.save()
    client = _client(main)
    response = client.get(_delete_url())
    html = response.content.decode()
    assert response.status_code == 200 and 'id="delete-refused"' in html
    assert response.context["refusal"].code == "main_contact"
    assert person["member"].name in html
    assert f'href="{reverse("members:area_contacts")}"' in html and f'href="{reverse("members:area_resign")}"' in html
    assert 'name="password"' not in html
    assert client.post(_delete_url(), {"password": PASSWORD}).status_code == 403
    assert User.objects.filter(pk=main.pk).exists() and not ErasureRecord.objects.exists()
    # Once the membership has ended, the former main contact may go.
    Member.objects.filter(pk=person["member"].pk).update(status=Member.Status.ENDED)
    assert client.post(_delete_url(), {"password": PASSWORD}).status_code == 302
    assert not User.objects.filter(pk=main.pk).exists()


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_staff_accounts_are_refused_and_told_that_it_removes_them(django_user_model, flag):
    staff = django_user_model.objects.create_user(email="buero@example.org", password=PASSWORD, **{flag: True})
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    client = _client(staff)
    response = client.get(_delete_url())
    assert response.status_code == 200 and response.context["refusal"].code == "staff"
    message = gettext(
        "Staff accounts cannot be deleted here: IT removes staff accounts. Please ask IT to remove yours."
    )
    assert message in response.content.decode() and "IT" in message
    assert client.post(_delete_url(), {"password": PASSWORD}).status_code == 403
    assert django_user_model.objects.filter(pk=staff.pk).exists() and not ErasureRecord.objects.exists()


def test_a_main_contact_role_gained_meanwhile_undoes_everything(person, monkeypatch):
    """The check passes, but the erasure keeps the account (the person became main contact): nothing is erased."""
    from members import selectors

    Contact.objects.filter(member=person["member"], is_main=True).update(is_main=False)
    Contact.objects.filter(pk=person["contact"].pk).update(is_main=True)
    monkeypatch.setattr(selectors, "account_main_contacts", lambda **kwargs: [])
    with pytest.raises(services.AccountErasureRefused):
        services.account_erase(user=person["user"])
    assert User.objects.filter(pk=person["user"].pk).exists()
    assert Subscriber.objects.filter(email=SECOND).exists()
    assert Registration.objects.filter(email=EMAIL).exists()
    assert not ErasureRecord.objects.exists()


def test_an_account_without_a_confirmed_address_is_told_to_confirm_one(django_user_model):
    user = django_user_model.objects.create_user(email="neu@example.org", password=PASSWORD)
    response = _client(user).get(_delete_url())
    assert response.context["refusal"].code == "no_address"
    assert f'href="{reverse("account_email")}"' in response.content.decode()


# --- "My data" -----------------------------------------------------------------------------------------


def test_my_data_shows_the_person_readably_and_nobody_else(person):
    response = _client(person["user"]).get(reverse("members:my_data"))
    assert response.status_code == 200
    html = response.content.decode()
    assert response.headers["Cache-Control"].startswith("max-age=0")
    for mine in (EMAIL, SECOND, SURNAME, "Digitaltag Plauen", "KI-Frühstück", "Ausgabe 7", person["member"].name):
        assert mine in html, mine
    # Not even what is filed under the address the account never confirmed (it shows only as that address).
    for theirs in ("Frieda Fremd", "Otto Anders", "otto@example.org", "Chefin"):
        assert theirs not in html, theirs
    assert html.count(UNVERIFIED) == 2  # in the account's list of addresses, under each confirmed address
    # Sections with translated headings, definition lists and tables; no raw JSON.
    titles = [s.title for a in response.context["addresses"] for s in a["sections"]]
    assert gettext("Events") in titles and gettext("Newsletter") in titles
    assert gettext("Account and membership") in titles
    assert "<dl" in html and "<table" in html
    assert '"first_name"' not in html and "{&quot;" not in html and "[{" not in html
    assert f'href="{reverse("members:my_data_json")}"' in html


def test_my_data_formats_dates_yes_no_and_coded_values():
    from swsdigital.privacy.readable import person_export_sections

    with translation.override("de"):
        sections = person_export_sections(
            export={
                "email": EMAIL,
                "data": {
                    "events": {
                        "registrations": [
                            {"event": "X", "status": "confirmed", "registered_at": "2026-03-01T09:30:00+00:00"}
                        ]
                    },
                    "members": {"accounts": [{"email": EMAIL, "email_addresses": [{"verified": True}]}]},
                    "unknown_app": [{"some_key": None}],
                },
            }
        )
    events, members, unknown = sections
    table = events.parts[0].node
    assert table.kind == "table" and table.rows[0][1] == str(Registration.Status.CONFIRMED.label)
    assert table.rows[0][2].startswith("1. März 2026")
    account = members.parts[0].node.records[0]
    assert dict(account.fields)[gettext("Email address")].text == EMAIL
    assert unknown.title == "Unknown app" and unknown.parts[0].node.rows == [["–"]]


def test_my_data_json_holds_the_same(person):
    response = _client(person["user"]).get(reverse("members:my_data_json"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [e["email"] for e in data["exports"]] == [EMAIL, SECOND]
    assert data["exports"][0]["data"]["members"]["contacts"][0]["last_name"] == SURNAME
    assert data["exports"][1]["data"]["newsletter"]["subscriptions"][0]["email"] == SECOND
    assert "Frieda" not in response.content.decode() and "Otto" not in response.content.decode()


def test_my_data_for_a_person_who_is_no_member(django_user_model):
    user = django_user_model.objects.create_user(email="gast@example.org", password=PASSWORD, last_name="Gast")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = _client(user).get(reverse("members:my_data"))
    assert response.status_code == 200 and "gast@example.org" in response.content.decode()


def test_my_data_has_a_fixed_number_of_queries(person, django_assert_max_num_queries):
    client = _client(person["user"])
    with django_assert_max_num_queries(120) as few:
        client.get(reverse("members:my_data"))
    # Many more rows of every kind for the same person: the page needs no more queries.
    subscriber = Subscriber.objects.get(email=SECOND)
    for n in range(25):
        event = _event(f"Termin {n}")
        events_services.registration_create(event=event, name=f"Paula {SURNAME}", email=EMAIL)
        Delivery.objects.create(mailing=Mailing.objects.create(subject=f"Ausgabe {n}", body="x"), subscriber=subscriber)
        email_queue(to=EMAIL, subject=f"Nachricht {n}", text="Hallo", html="")
        consent_record(key="event_registration", email=EMAIL, source="test")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("members:my_data")).content.decode()
    assert "Termin 24" in html and "Ausgabe 24" in html and "Nachricht 24" in html
