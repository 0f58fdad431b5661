"""Sign-up, preferences and staff import forms."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from swsdigital.core.forms import HoneypotTimingMixin, NameField, SafeModelMultipleChoiceField
from swsdigital.core.translated import translated_html

from .models import Topic


class TopicsField(SafeModelMultipleChoiceField):
    """Topics by name; a German name on the English form is marked lang="de"."""

    def label_from_instance(self, obj: Topic) -> str:
        return translated_html(obj, "name", note=False)


class SubscribeForm(HoneypotTimingMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    name = NameField(
        label=_("Name (optional)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(label=_("Language of the newsletter"), choices=settings.LANGUAGES)
    topics = TopicsField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to hear about everything."),
    )
    consent = forms.BooleanField(
        label=_("I would like to receive the newsletter by email. I can unsubscribe at any time.")
    )

    def __init__(self, *args, language: str = "de", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.filter(is_active=True)
        if not self.is_bound:
            self.initial.setdefault("language", language if language in dict(settings.LANGUAGES) else "de")


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the newsletter"), choices=settings.LANGUAGES)
    topics = TopicsField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to hear about everything."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.filter(is_active=True)


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    source = forms.CharField(
        label=_("Where the list comes from"),
        max_length=80,
        required=False,
        help_text=_("Kept in every consent record."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload.read()


SCHEDULE_BUTTON = "_schedule"


class MailingAdminForm(forms.ModelForm):
    """The mailing's admin form: "Save and schedule" needs a sending time in the future."""

    def clean(self):
        cleaned = super().clean()
        if SCHEDULE_BUTTON in self.data:
            when = cleaned.get("scheduled_at")
            if when is None:
                self.add_error("scheduled_at", _("Please enter when the mailing is to be sent."))
            elif when <= timezone.now():
                self.add_error("scheduled_at", _("Please choose a time in the future."))
        return cleaned
