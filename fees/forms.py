"""The treasurer's forms: a dues run's year and dates, a cancellation's reason."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .services import dues_dates_check


class DuesRunForm(forms.Form):
    year = forms.IntegerField(label=_("Fee year"), min_value=2000, max_value=2100)
    invoice_date = forms.DateField(label=_("Invoice date"), widget=AdminDateWidget)
    collection_date = forms.DateField(
        label=_("Collection date"),
        widget=AdminDateWidget,
        help_text=_("The day the direct debits are collected; at least %(days)s days after the invoice date.")
        % {"days": settings.FEES_PRENOTIFICATION_DAYS},
    )

    @classmethod
    def initial_values(cls) -> dict:
        today = timezone.localdate()
        year = today.year + 1 if today.month >= 10 else today.year
        return {
            "year": year,
            "invoice_date": today,
            "collection_date": today + datetime.timedelta(days=settings.FEES_PRENOTIFICATION_DAYS + 7),
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                dues_dates_check(**{name: cleaned[name] for name in ("year", "invoice_date", "collection_date")})
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the cancellation"), max_length=300, strip=True)


class DebitFileForm(forms.Form):
    year = forms.IntegerField(label=_("Fee year"), min_value=2000, max_value=2100)
    collection_date = forms.DateField(label=_("Collection date"), widget=AdminDateWidget)
    schema = forms.ChoiceField(label=_("File format"), choices=(), help_text=_("Most banks take pain.008.001.02."))
    again = forms.BooleanField(
        label=_("Again: include debits already put in a file"),
        required=False,
        help_text=_("Only when the bank did not receive the earlier file; otherwise the debits are collected twice."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import DebitFile

        self.fields["schema"].choices = DebitFile.Schema.choices
        self.fields["schema"].initial = DebitFile.Schema.V02


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Statement file"), help_text=_("CAMT.053 (account statement) or CAMT.054 (debit notification), XML.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB; please upload one statement at a time."))
        return upload.read()


class ManualPaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount received (EUR)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )
    booked_on = forms.DateField(label=_("Received on"), widget=AdminDateWidget)
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, help_text=_("E.g. paid in cash at the office.")
    )


class BankAccountForm(forms.Form):
    """A new SEPA mandate for another account, given in the member area."""

    account_holder = forms.CharField(label=_("Account holder"), max_length=70, strip=True)
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    mandate = forms.BooleanField(label=_("Direct debit mandate"), required=True)

    def __init__(self, *args, mandate_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mandate"].help_text = mandate_text
        self.fields["mandate"].error_messages["required"] = _(
            "Please give the direct debit mandate to use this account."
        )
