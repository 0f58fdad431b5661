"""What a member owes for a fee year: the type's rate, an individual fee, the joining year's rule."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fees.models import FeeRate, MemberFee

CENT = Decimal("0.01")

# The joining year's fee, per the statutes: the full fee, pro rata by month (from the joining month on), or none.
JOINING_FULL = "full"
JOINING_PRO_RATA = "pro_rata"
JOINING_NONE = "none"
JOINING_RULES = (JOINING_FULL, JOINING_PRO_RATA, JOINING_NONE)

# Why a member owes what they owe (the preview groups by it).
OWES = "owes"
WAIVED = "waived"
REDUCED = "reduced"
JOINING = "joining"
JOINING_FREE = "joining_free"
NO_RATE = "no_rate"

REASONS = {
    OWES: _("full fee"),
    WAIVED: _("waived"),
    REDUCED: _("individual fee"),
    JOINING: _("joining year, pro rata"),
    JOINING_FREE: _("joining year, no fee"),
    NO_RATE: _("no fee rate for the membership type"),
}


@dataclass(frozen=True)
class FeeDecision:
    amount: Decimal
    reason: str  # one of the codes above
    note: str = ""  # the individual fee's reason, the months of a pro-rata fee
    period_start: datetime.date | None = None

    @property
    def owes(self) -> bool:
        return self.amount > 0


class FeeRates:
    """The rates and individual fees of one fee year, loaded once for many members (no query per member)."""

    def __init__(self, *, year: int):
        self.year = year
        self._rates: dict[int, Decimal] = {}
        for rate in FeeRate.objects.filter(valid_from_year__lte=year).order_by("valid_from_year"):
            self._rates[rate.membership_type_id] = rate.amount  # the latest rate up to the year wins
        self._typed = set(FeeRate.objects.values_list("membership_type_id", flat=True))
        self._individual: dict[int, MemberFee] = {}
        individual = MemberFee.objects.filter(valid_from_year__lte=year).exclude(valid_until_year__lt=year)
        for fee in individual.order_by("valid_from_year", "pk"):
            self._individual[fee.member_id] = fee

    def type_rate(self, membership_type) -> Decimal | None:
        """Return the type's fee for the year: its rate, or (never having had one) the type's listed fee."""
        if membership_type.pk in self._rates:
            return self._rates[membership_type.pk]
        if membership_type.pk in self._typed:
            return None  # rates exist, but only from a later year on
        return membership_type.annual_fee

    def decide(self, member) -> FeeDecision:
        """Return what ``member`` owes for the year, and why."""
        year_start = datetime.date(self.year, 1, 1)
        individual = self._individual.get(member.pk)
        if individual is not None:
            base, reason, note = individual.amount, (WAIVED if individual.amount == 0 else REDUCED), individual.reason
        else:
            rate = self.type_rate(member.membership_type)
            if rate is None:
                return FeeDecision(Decimal("0.00"), NO_RATE)
            base, reason, note = rate, OWES, ""
        if base == 0:
            return FeeDecision(Decimal("0.00"), WAIVED, note, year_start)
        joined = member.joined_on
        if joined and joined.year == self.year and joined > year_start:
            rule = settings.FEES_JOINING_YEAR_RULE
            if rule == JOINING_NONE:
                return FeeDecision(Decimal("0.00"), JOINING_FREE, "", joined)
            if rule == JOINING_PRO_RATA:
                months = 13 - joined.month
                amount = (base * months / 12).quantize(CENT, rounding=ROUND_HALF_UP)
                return FeeDecision(amount, JOINING, f"{months}/12", joined.replace(day=1))
        return FeeDecision(base.quantize(CENT), reason, note, year_start)


def fee_for(*, member, year: int) -> FeeDecision:
    """Return what ``member`` owes for ``year`` and why."""
    return FeeRates(year=year).decide(member)
