"""Form code shared by every public form: a honeypot and a minimum fill time, safe choice and name fields."""

import re
import time
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SALT = "swsdigital.core.forms.started"


def form_started_token() -> str:
    """Return a signed stamp of this moment, the start of a form's fill time."""
    return signing.dumps(time.time(), salt=_SALT)


class HoneypotTimingMixin(forms.Form):
    """Reject submissions that fill the hidden field or arrive faster than a person types.

    Add it to a form's bases; render the form with ``{% include "includes/form_protection.html" %}``
    or let crispy render the two hidden fields.
    """

    # Named like a real field so that bots fill it; hidden from people with CSS and aria.
    homepage = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "class": "hp-field"}),
    )
    form_started = forms.CharField(required=False, widget=forms.HiddenInput)
    # Seconds a person needs at least for this form; None scales the time to the form's size (see below).
    min_fill_seconds: float | None = None
    # With autofill, a person fills a field in about a click: a one-field box (email and consent) takes
    # one second, not the FORM_MIN_FILL_SECONDS a long form needs. Bots post at once and still fall below.
    seconds_per_field: float = 0.5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_started"] = form_started_token()

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get("homepage"):
            raise forms.ValidationError(_("Your submission could not be processed. Please try again."), code="honeypot")
        token = self.data.get(self.add_prefix("form_started"), "")
        try:
            started = float(signing.loads(token, salt=_SALT, max_age=24 * 3600))
        except (signing.BadSignature, TypeError, ValueError):
            self._reset_started()
            raise forms.ValidationError(
                _("The form has expired. Please check your entries and send it again."), code="expired"
            ) from None
        if time.time() - started < self._min_fill_seconds():
            self._reset_started()
            raise forms.ValidationError(
                _("That was very fast. Please check your entries and send the form again."), code="too_fast"
            )
        return cleaned

    def _min_fill_seconds(self) -> float:
        """Return the fill time this form asks: its own, or half a second per field a person must fill in.

        FORM_MIN_FILL_SECONDS is the ceiling (0 switches the check off, as the tests and drills do).
        """
        if self.min_fill_seconds is not None:
            return min(self.min_fill_seconds, settings.FORM_MIN_FILL_SECONDS)
        to_fill = [name for name, field in self.fields.items() if self._person_fills(name, field)]
        return min(self.seconds_per_field * len(to_fill), settings.FORM_MIN_FILL_SECONDS)

    def _person_fills(self, name: str, field: forms.Field) -> bool:
        """Return whether a person must enter something here (a required, visible field that starts empty)."""
        if not field.required or field.widget.is_hidden or self.get_initial_for_field(field, name):
            return False
        if isinstance(field.widget, forms.Select) and not field.widget.allow_multiple_selected:
            first = next(iter(getattr(field, "choices", ())), ("", ""))
            return first[0] in ("", None)  # a list without an empty choice starts with its first entry chosen
        return True

    def _reset_started(self) -> None:
        # Rebound forms show data, not initial: replace the token so the next try counts.
        data = self.data.copy()
        data[self.add_prefix("form_started")] = signing.dumps(time.time() - self._min_fill_seconds(), salt=_SALT)
        self.data = data


# --- Model choice fields that survive hostile ids ---------------------------------

_MAX_ID = 2**63 - 1  # the range of a BigAutoField, in every database


def _id_in_range(value) -> bool:
    """False for an integer id no database column can hold (it would raise, not validate)."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return True  # not a number: Django's own validation answers "invalid choice"
    return -_MAX_ID <= number <= _MAX_ID


class SafeModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that answers an out-of-range id with "invalid choice", not a server error."""

    def to_python(self, value):
        if value not in self.empty_values and not _id_in_range(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that answers out-of-range ids with "invalid choice", not a server error."""

    def _check_values(self, value):
        for item in value:
            if not _id_in_range(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


# --- Names that show what they say ----------------------------------------------

# Invisible characters with no place in a name: zero-width space, non-joiner and joiner, word joiner, the
# byte-order mark, and the soft hyphen (a hidden hyphenation hint that makes "Muster\u00admann" a different
# name to search, sort and compare). They are removed.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Characters that change the direction of the text around them: embeddings and overrides (U+202A–U+202E),
# isolates (U+2066–U+2069) and the marks (U+200E, U+200F, U+061C). "Evil\u202egnp.exe GmbH" shows as
# "Evilexe.png GmbH" in the admin, in exports and in emails. They are refused, not removed: the person
# should see what is stored.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def name_clean(value: str) -> str:
    """Return a name without invisible characters, in NFC; raise ValidationError for direction controls."""
    value = unicodedata.normalize("NFC", value.translate(_INVISIBLE)).strip()
    found = _BIDI_CONTROLS.search(value)
    if found:
        raise ValidationError(
            _("Please remove the invisible character that changes the direction of the text (%(character)s)."),
            code="bidi_control",
            params={"character": f"U+{ord(found.group()):04X}"},
        )
    return value


class NameField(forms.CharField):
    """A single-line name (organisation, person, title, role, account holder) cleaned by name_clean.

    Use it for every name a person types: as a form field, or through ``field_classes`` of a ModelForm.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return name_clean(value) or self.empty_value  # nothing but invisible characters: empty, so required
