"""Validators for German postcodes, IBANs and BICs, with translated messages."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from swsdigital.core.redaction import iban_mask  # noqa: F401 - masked in the admin, exports and mails as in logs

_IBAN_LENGTHS = {"DE": 22, "AT": 20, "CH": 21, "CZ": 24, "PL": 28, "NL": 18, "BE": 16, "FR": 27, "LU": 20, "IT": 27}
# ASCII only, spelled out: ``\d`` would also take fullwidth and other Unicode digits ("０９１１１"), and
# ``$`` a trailing newline.
_POSTCODE = re.compile(r"[0-9]{5}")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")
_BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")


def postcode_validate(value: str) -> None:
    """Raise unless ``value`` is a German postcode (five digits, 01001 to 99998)."""
    if not _POSTCODE.fullmatch(value or "") or not 1001 <= int(value) <= 99998:
        raise ValidationError(_("Please enter a valid German postcode (five digits)."), code="postcode")


def iban_normalise(value: str) -> str:
    """Return the IBAN without spaces, in capitals."""
    return re.sub(r"\s+", "", value or "").upper()


def iban_validate(value: str) -> None:
    """Raise unless ``value`` is an IBAN with a correct length and mod-97 checksum."""
    iban = iban_normalise(value)
    if not _IBAN.fullmatch(iban):
        raise ValidationError(_("Please enter a valid IBAN."), code="iban")
    expected = _IBAN_LENGTHS.get(iban[:2])
    if expected and len(iban) != expected:
        raise ValidationError(_("This IBAN has the wrong length."), code="iban_length")
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        raise ValidationError(_("This IBAN is not valid: please check it for typing errors."), code="iban_checksum")


def bic_validate(value: str) -> None:
    """Raise unless ``value`` looks like a BIC (8 or 11 characters)."""
    if not _BIC.fullmatch((value or "").replace(" ", "").upper()):
        raise ValidationError(_("Please enter a valid BIC (8 or 11 characters)."), code="bic")
