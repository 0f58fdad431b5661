"""Form protections shared by every public form: a honeypot and a minimum fill time."""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

_SALT = "swsdigital.core.forms.started"


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_started"] = signing.dumps(time.time(), salt=_SALT)

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
        if time.time() - started < settings.FORM_MIN_FILL_SECONDS:
            self._reset_started()
            raise forms.ValidationError(
                _("That was very fast. Please check your entries and send the form again."), code="too_fast"
            )
        return cleaned

    def _reset_started(self) -> None:
        # Rebound forms show data, not initial: replace the token so the next try counts.
        data = self.data.copy()
        data[self.add_prefix("form_started")] = signing.dumps(time.time() - settings.FORM_MIN_FILL_SECONDS, salt=_SALT)
        self.data = data
