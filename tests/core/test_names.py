"""Names show what they say: invisible characters removed, direction controls refused, NFC."""

import unicodedata

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from swsdigital.core.forms import NameField, name_clean

BIDI_CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
BIDI_CONTROLS += ["\u200e", "\u200f", "\u061c"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_invisible_characters_are_removed(char):
    assert name_clean(f"{char}Muster{char}mann GmbH{char}") == "Mustermann GmbH"


@pytest.mark.parametrize("char", BIDI_CONTROLS, ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
def test_direction_controls_are_refused_with_the_character_named(char):
    with pytest.raises(ValidationError) as exc:
        name_clean(f"Evil{char}gnp.exe GmbH")
    assert exc.value.code == "bidi_control"
    with translation.override("de"):
        assert exc.value.messages == [
            f"Bitte entfernen Sie das unsichtbare Zeichen, das die Schreibrichtung ändert (U+{ord(char):04X})."
        ]
    with translation.override("en"):
        assert exc.value.messages == [
            f"Please remove the invisible character that changes the direction of the text (U+{ord(char):04X})."
        ]


def test_names_are_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Jörg Müller-Lüdenscheidt")
    assert decomposed != "Jörg Müller-Lüdenscheidt"
    assert name_clean(decomposed) == "Jörg Müller-Lüdenscheidt"


def test_ordinary_names_in_any_script_pass_unchanged():
    for name in ("Südwestsachsen Digital e.V.", "Zoë O'Brien-Łukasiewicz", "محمد العلي", "שרה כהן", "李小龙"):
        assert name_clean(name) == name


def test_a_name_of_invisible_characters_only_is_missing():
    class Form(forms.Form):
        name = NameField(max_length=20)
        nickname = NameField(max_length=20, required=False)

    form = Form(data={"name": "\u200b\u200b", "nickname": "\ufeff"})
    assert not form.is_valid()
    assert form.errors["name"] == [forms.Field.default_error_messages["required"]]
    assert "nickname" not in form.errors


def test_max_length_counts_the_cleaned_name():
    class Form(forms.Form):
        name = NameField(max_length=4)

    form = Form(data={"name": "An\u200bna"})
    assert form.is_valid() and form.cleaned_data["name"] == "Anna"
