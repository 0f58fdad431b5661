"""Fixtures of the fees tests: membership types with rates, members admitted in given years."""

import datetime
from decimal import Decimal

import pytest

from members.models import Member, MembershipType
from tests.members.factories import member_admitted

IBAN = "DE89370400440532013000"
INVOICE_DATE = datetime.date(2027, 1, 4)
COLLECTION_DATE = datetime.date(2027, 1, 25)


@pytest.fixture
def types(db):
    company = MembershipType.objects.create(
        slug="unternehmen", name_de="Unternehmen", name_en="Company", category="company", annual_fee=Decimal("240.00")
    )
    town = MembershipType.objects.create(
        slug="kommune", name_de="Kommune", name_en="Municipality", category="municipality", annual_fee=Decimal("500.00")
    )
    return {"company": company, "town": town}


@pytest.fixture
def make_member(types):
    """Return a factory of admitted members: joined on a date, of a type, with or without a mandate."""
    counter = iter(range(1, 100_000))

    def make(*, joined=datetime.date(2025, 3, 1), kind="company", mandate=True, **fields) -> Member:
        n = next(counter)
        member = member_admitted(email=f"kontakt{n}@example.org", name=f"Mitglied {n} GmbH")
        member.membership_type, member.joined_on = types[kind], joined
        if mandate:
            member.sepa_iban, member.sepa_account_holder = IBAN, f"Mitglied {n} GmbH"
            member.sepa_mandate_reference, member.sepa_mandate_signed_on = f"SWS-{n:05d}", joined
        for name, value in fields.items():
            setattr(member, name, value)
        member.save()
        return member

    return make
