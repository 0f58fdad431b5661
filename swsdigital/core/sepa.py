"""SEPA identifiers: the creditor identifier (Gläubiger-ID) and IBANs/BICs checked with schwifty."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_CREDITOR_ID = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$")


def creditor_id_normalise(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def creditor_id_validate(value: str) -> None:
    """Raise unless ``value`` is a SEPA creditor identifier with a correct check number (ISO 7064 mod 97-10).

    The business code (positions 5–7, ``ZZZ`` by default) is left out of the check, as the EPC rules say.
    """
    cid = creditor_id_normalise(value)
    if not _CREDITOR_ID.match(cid):
        raise ValidationError(_("Please enter a creditor identifier such as DE98ZZZ09999999999."), code="format")
    national = cid[7:] + cid[:2] + "00"
    digits = "".join(str(int(ch, 36)) for ch in national)
    check = 98 - int(digits) % 97
    if f"{check:02d}" != cid[2:4]:
        raise ValidationError(_("This creditor identifier has a wrong check number."), code="checksum")


def iban_check(value: str) -> str:
    """Return the IBAN in electronic form if it is valid and in the SEPA area; raise a translated message if not."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        iban = IBAN(value or "")
    except SchwiftyException as exc:
        raise ValidationError(_("Please check the IBAN: %(reason)s") % {"reason": _iban_reason(exc)}) from exc
    if not iban.in_sepa_zone:
        raise ValidationError(_("Direct debits are possible from accounts in the SEPA area only."), code="sepa")
    return iban.compact


def _iban_reason(exc) -> str:
    from schwifty import exceptions

    if isinstance(exc, exceptions.InvalidChecksumDigits):
        return str(_("the check digits do not match."))
    if isinstance(exc, exceptions.InvalidLength):
        return str(_("it has the wrong length for its country."))
    if isinstance(exc, exceptions.InvalidCountryCode):
        return str(_("the country code is unknown."))
    return str(_("it is not a valid IBAN."))


def bic_for_iban(value: str) -> str:
    """Return the BIC of a (valid) IBAN's bank where schwifty's bank registry knows it, else ''."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        bic = IBAN(value).bic
    except SchwiftyException:
        return ""
    return str(bic) if bic else ""
