"""Postcode, IBAN and BIC validation."""

import pytest
from django.core.exceptions import ValidationError

from members.validators import bic_validate, iban_validate, postcode_validate


@pytest.mark.parametrize("value", ["08523", "09111", "01067", "99998"])
def test_valid_postcodes(value):
    postcode_validate(value)


@pytest.mark.parametrize("value", ["", "8523", "085234", "00999", "ABCDE", "08 523"])
def test_invalid_postcodes(value):
    with pytest.raises(ValidationError):
        postcode_validate(value)


@pytest.mark.parametrize("value", ["DE89370400440532013000", "de89 3704 0044 0532 0130 00", "AT611904300234573201"])
def test_valid_ibans(value):
    iban_validate(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("DE89370400440532013001", "iban_checksum"),
        ("DE8937040044053201300", "iban_length"),
        ("hallo", "iban"),
        ("", "iban"),
    ],
)
def test_invalid_ibans(value, code):
    with pytest.raises(ValidationError) as exc:
        iban_validate(value)
    assert exc.value.code == code


def test_bic():
    bic_validate("COBADEFFXXX")
    bic_validate("WELADED1PLX")
    with pytest.raises(ValidationError):
        bic_validate("COBA")
