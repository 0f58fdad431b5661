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


@pytest.mark.parametrize(
    "value",
    # fullwidth, mixed, Arabic-Indic, trailing newline, mathematical digits
    ["０９１１１", "09１11", "٠٩١١١", "09111\n", "𝟎𝟗𝟏𝟏𝟏"],
)
def test_postcode_takes_ascii_digits_only(value):
    """Issue 19.6: \\d matched every Unicode digit, so "０９１１１" was stored as a postcode."""
    with pytest.raises(ValidationError):
        postcode_validate(value)


@pytest.mark.parametrize("value", ["DE８９370400440532013000", "DE89３70400440532013000"])
def test_iban_takes_ascii_digits_only(value):
    with pytest.raises(ValidationError):
        iban_validate(value)


@pytest.mark.parametrize("value", ["COBADEFF\n", "COBADEFFXXX\n"])
def test_bic_refuses_a_trailing_newline(value):
    with pytest.raises(ValidationError):
        bic_validate(value)


def test_the_application_form_refuses_a_fullwidth_postcode(db):
    """The form answers with the translated message and stores nothing."""
    from members.forms import ApplicationForm

    form = ApplicationForm(data={"postcode": "０９１１１"})
    assert not form.is_valid()
    assert form.errors["postcode"] == ["Bitte geben Sie eine gültige deutsche Postleitzahl (fünf Ziffern) ein."]
