"""Issue 14.4: the main contact gives a new mandate for another account in the member area — a new reference
and date, the consent recorded, the old mandate ended (the next collection is a first one); bad IBANs refused."""

import pytest
from django.test import Client

from members.models import Contact, Member
from swsdigital.privacy.models import Consent
from tests.fees.conftest import IBAN

pytestmark = pytest.mark.django_db
URL = "/konto/mitgliedschaft/lastschrift/"
NEW = "DE22870500003512345678"


def _client(member, *, main=True) -> Client:
    contact = Contact.objects.get(member=member, is_main=True)
    user = contact.user
    if not main:
        from members.models import User

        user = User.objects.create_user(email="kollege@example.org", password="x-very-long-pass")
        Contact.objects.create(member=member, user=user, first_name="Kai", last_name="Kollege", email=user.email)
    client = Client()
    client.force_login(user)
    return client


def test_the_main_contact_gives_a_new_mandate(make_member):
    member = make_member()
    client = _client(member)
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200 and "DE89 •••• •••• •••• •••• 00" in html and IBAN not in html
    response = client.post(
        URL, {"account_holder": "Neue Bank GmbH", "iban": "de22 8705 0000 3512 3456 78", "mandate": "on"}
    )
    assert response.status_code == 302
    member = Member.objects.get(pk=member.pk)
    assert (
        member.sepa_iban == NEW and member.sepa_bic == "CHEKDE81XXX" and member.sepa_account_holder == "Neue Bank GmbH"
    )
    assert member.sepa_mandate_reference.endswith("-2") and member.sepa_mandate_reference != f"SWS-{member.number:05d}"
    consent = Consent.objects.get(text__key="sepa_mandate")
    assert consent.subject_ref == member.sepa_mandate_reference and consent.confirmed_at
    client.post(URL, {"account_holder": "Dritte Bank", "iban": IBAN, "mandate": "on"})
    assert Member.objects.get(pk=member.pk).sepa_mandate_reference.endswith("-3")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"account_holder": "X", "iban": "DE22870500003512345679", "mandate": "on"}, "iban"),  # checksum
        ({"account_holder": "X", "iban": "AE070331234567890123456", "mandate": "on"}, "iban"),  # not SEPA
        ({"account_holder": "X", "iban": "hallo", "mandate": "on"}, "iban"),
        ({"account_holder": "X", "iban": NEW}, "mandate"),  # no mandate given
        ({"account_holder": "", "iban": NEW, "mandate": "on"}, "account_holder"),
        ({"account_holder": "X" * 71, "iban": NEW, "mandate": "on"}, "account_holder"),
        ({"account_holder": "X", "iban": NEW + "\x00", "mandate": "on"}, "iban"),
    ],
)
def test_bad_input_is_a_message_and_changes_nothing(make_member, data, field):
    member = make_member()
    before = Member.objects.get(pk=member.pk).sepa_mandate_reference
    response = _client(member).post(URL, data)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert field in response.context["form"].errors
    assert Member.objects.get(pk=member.pk).sepa_mandate_reference == before
    assert not Consent.objects.filter(text__key="sepa_mandate").exists()


def test_other_contacts_see_but_cannot_change(make_member):
    member = make_member()
    client = _client(member, main=False)
    assert "<form" not in client.get(URL).content.decode().split("<main", 1)[-1].split("</main>")[0]
    client.post(URL, {"account_holder": "Fremd", "iban": NEW, "mandate": "on"})
    assert Member.objects.get(pk=member.pk).sepa_iban == IBAN


def test_the_old_mandates_next_collection_is_a_first_one(make_member, db):
    from fees.models import DebitEntry, Invoice
    from fees.services import dues_run
    from fees.services.issuing import invoice_issue
    from fees.services.sepa import debit_file_create
    from swsdigital.pages.models import SiteProfile
    from tests.fees.conftest import COLLECTION_DATE, INVOICE_DATE
    from tests.fees.test_pdf import PROFILE

    SiteProfile.objects.create(**PROFILE)
    member = make_member()
    dues_run(year=2027, invoice_date=INVOICE_DATE, collection_date=COLLECTION_DATE)
    invoice_issue(invoice_id=Invoice.objects.get().pk)
    debit_file_create(year=2027, collection_date=COLLECTION_DATE)
    _client(member).post(URL, {"account_holder": "Neue Bank", "iban": NEW, "mandate": "on"})
    import datetime

    dues_run(year=2028, invoice_date=datetime.date(2028, 1, 3), collection_date=datetime.date(2028, 1, 24))
    invoice_issue(invoice_id=Invoice.objects.get(year=2028).pk)
    second = debit_file_create(year=2028, collection_date=datetime.date(2028, 1, 24))
    entry = DebitEntry.objects.get(file=second)
    assert entry.sequence_type == "FRST" and entry.mandate_reference.endswith("-2")
    assert NEW.encode() in bytes(second.xml)


def test_a_mandate_unused_for_36_months_lapses_and_the_member_is_told(make_member):
    import datetime

    from fees.services.mandates import mandates_expire
    from swsdigital.mail.models import OutboxEmail

    old = make_member(joined=datetime.date(2022, 1, 10))
    old.sepa_mandate_signed_on = datetime.date(2022, 1, 10)
    old.save()
    fresh = make_member(joined=datetime.date(2025, 6, 1))
    assert mandates_expire(today=datetime.date(2025, 1, 9)) == 0  # 35 months and a bit
    assert mandates_expire(today=datetime.date(2026, 12, 3)) == 1
    assert Member.objects.get(pk=old.pk).sepa_mandate_reference == ""
    assert Member.objects.get(pk=fresh.pk).sepa_mandate_reference
    mail = OutboxEmail.objects.get(template="fees/mandate_expired")
    assert "erloschen" in mail.subject and "10.01.2022" in mail.body_text
    assert mandates_expire(today=datetime.date(2026, 12, 3)) == 0
