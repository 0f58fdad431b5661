"""The privacy contact's form: one email address to preview, erase or export."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services import person_email_normalise


class PersonForm(forms.Form):
    # EmailField refuses NUL characters and overlong input with Django's translated messages.
    email = forms.EmailField(label=_("Email address"), max_length=254)

    def clean_email(self) -> str:
        try:
            return person_email_normalise(self.cleaned_data["email"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
