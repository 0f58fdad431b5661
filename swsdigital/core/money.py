"""Amounts of money as people read them: "1.800,00 €" in German, "€1,800.00" in English."""

from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format

# Where the sign goes in each language; a no-break space keeps "€" on the line of its number.
_PATTERNS = {"de": "{amount}\u00a0€", "en": "€{amount}"}


def money_format(amount: Decimal | int | float | str | None, *, language: str | None = None) -> str:
    """Return an amount in euros with two decimals and thousands separators, in the given or active language."""
    if amount is None or amount == "":
        return ""
    language = (language or translation.get_language() or "de").split("-")[0]
    with translation.override(language):
        number = number_format(Decimal(str(amount)), decimal_pos=2, use_l10n=True, force_grouping=True)
    return _PATTERNS.get(language, _PATTERNS["de"]).format(amount=number)
