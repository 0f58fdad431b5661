"""Issue 14.1: what a member owes — the type's rate by year, individual fees, joining and leaving years."""

import datetime
from decimal import Decimal

import pytest

from fees.models import FeeRate, MemberFee
from fees.services import fee_for

pytestmark = pytest.mark.django_db


def test_without_rates_the_types_listed_fee_applies(make_member):
    member = make_member()
    decision = fee_for(member=member, year=2027)
    assert decision.amount == Decimal("240.00") and decision.reason == "owes"
    assert isinstance(decision.amount, Decimal)


def test_a_fee_change_takes_effect_from_its_year_only(make_member, types):
    member = make_member()
    FeeRate.objects.create(membership_type=types["company"], valid_from_year=2020, amount=Decimal("240.00"))
    FeeRate.objects.create(membership_type=types["company"], valid_from_year=2028, amount=Decimal("300.00"))
    assert fee_for(member=member, year=2027).amount == Decimal("240.00")
    assert fee_for(member=member, year=2028).amount == Decimal("300.00")
    assert fee_for(member=member, year=2031).amount == Decimal("300.00")


def test_rates_only_from_a_later_year_mean_no_fee_before(make_member, types):
    member = make_member()
    FeeRate.objects.create(membership_type=types["company"], valid_from_year=2028, amount=Decimal("300.00"))
    decision = fee_for(member=member, year=2027)
    assert decision.amount == 0 and decision.reason == "no_rate"


@pytest.mark.parametrize(("amount", "reason"), [(Decimal("120.00"), "reduced"), (Decimal("0.00"), "waived")])
def test_an_individual_fee_reduces_or_waives_for_its_years(make_member, amount, reason):
    member = make_member()
    MemberFee.objects.create(
        member=member, valid_from_year=2027, valid_until_year=2028, amount=amount, reason="Gemeinnütziger Verein"
    )
    decision = fee_for(member=member, year=2027)
    assert (decision.amount, decision.reason) == (amount, reason)
    assert decision.note == "Gemeinnütziger Verein"
    assert fee_for(member=member, year=2029).amount == Decimal("240.00")
    assert fee_for(member=member, year=2026).amount == Decimal("240.00")


@pytest.mark.parametrize(
    ("rule", "joined", "amount", "reason"),
    [
        ("full", datetime.date(2027, 9, 15), Decimal("240.00"), "owes"),
        ("pro_rata", datetime.date(2027, 9, 15), Decimal("80.00"), "joining"),  # September–December: 4/12
        ("pro_rata", datetime.date(2027, 12, 31), Decimal("20.00"), "joining"),
        ("pro_rata", datetime.date(2027, 1, 1), Decimal("240.00"), "owes"),  # joined on the first day: a full year
        ("none", datetime.date(2027, 2, 1), Decimal("0.00"), "joining_free"),
        ("none", datetime.date(2026, 2, 1), Decimal("240.00"), "owes"),  # the year after joining is a full year
    ],
)
def test_the_joining_year_follows_the_statutes_setting(make_member, settings, rule, joined, amount, reason):
    settings.FEES_JOINING_YEAR_RULE = rule
    decision = fee_for(member=make_member(joined=joined), year=2027)
    assert (decision.amount, decision.reason) == (amount, reason)


def test_pro_rata_rounds_to_the_cent(make_member, types, settings):
    settings.FEES_JOINING_YEAR_RULE = "pro_rata"
    FeeRate.objects.create(membership_type=types["company"], valid_from_year=2000, amount=Decimal("100.00"))
    decision = fee_for(member=make_member(joined=datetime.date(2027, 11, 2)), year=2027)
    assert decision.amount == Decimal("16.67")  # 100 × 2/12 = 16.666…


def test_a_bad_joining_rule_stops_the_start():
    import subprocess
    import sys

    from tests.harness import ROOT

    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='swsdigital.settings'; "
         "import swsdigital.settings"],
        cwd=ROOT, env={**__import__("os").environ, "FEES_JOINING_YEAR_RULE": "halb"}, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0 and "FEES_JOINING_YEAR_RULE must be full, pro_rata or none" in result.stderr
