"""Registration, filters, the staff message form and the admin's event form."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from swsdigital.core.forms import HoneypotTimingMixin, NameField
from swsdigital.core.translated import translated_label

from . import services
from .models import Event


class RegistrationForm(HoneypotTimingMixin, forms.Form):
    """A person's registration for one event, with the event's extra questions."""

    name = NameField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"), max_length=254)
    organisation = NameField(label=_("Organisation"), max_length=200, required=False)
    places = forms.IntegerField(label=_("Places"), min_value=1, initial=1)
    consent = forms.BooleanField(
        error_messages={"required": _("Please agree so that we can process your registration.")},
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        # The label links the privacy notice, in the language of the request.
        self.fields["consent"].label = mark_safe(  # noqa: S308 - our own text; only the escaped URL is inserted
            _(
                "My details are processed to organise the event and deleted after it as the "
                '<a href="%(privacy_url)s">privacy notice</a> describes.'
            )
            % {"privacy_url": escape(reverse("pages:privacy"))}
        )
        self.fields["places"].widget.attrs["max"] = event.max_places
        if event.max_places == 1:
            self.fields["places"].widget = forms.HiddenInput()
        self.questions = event.question_list
        for i, question in enumerate(self.questions):
            self.fields[f"answer_{i}"] = forms.CharField(label=question, max_length=1000, required=False)
        # Consent and the honeypot fields come after the event's questions.
        for name in ("consent", "homepage", "form_started"):
            self.fields[name] = self.fields.pop(name)

    def clean_places(self) -> int:
        places = self.cleaned_data["places"]
        if places > self.event.max_places:
            raise forms.ValidationError(
                _("You can register at most %(max)d places.") % {"max": self.event.max_places}, code="max_places"
            )
        return places

    def answers(self) -> dict:
        """Return the answers keyed by question."""
        return {q: self.cleaned_data.get(f"answer_{i}", "") for i, q in enumerate(self.questions)}


class EventFilterForm(forms.Form):
    """The list's filters; unknown values are ignored rather than failing."""

    series = forms.ChoiceField(label=_("Series"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, series, topics, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        # Names written in German only carry their language into the option (lang="de").
        self.fields["series"].choices = everything + [(s.slug, translated_label(s, "name")) for s in series]
        self.fields["topic"].choices = everything + [(t.slug, translated_label(t, "name")) for t in topics]
        self.fields["format"].choices = everything + list(Event.Format.choices)
        self.fields["region"].choices = everything + list(Event.Region.choices)

    def filters(self) -> dict:
        """Return the valid filters (invalid ones are dropped)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}


class ParticipantMessageForm(forms.Form):
    """Staff's message to everyone registered for an event."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}))
    include_waiting = forms.BooleanField(label=_("Also write to the waiting list"), required=False)


SCHEDULE_BUTTON = "_schedule"


class FocalPointInput(forms.NumberInput):
    """A 0–100 % input of the image's focal point; with JavaScript a click on the image preview sets it."""

    def __init__(self, attrs=None):
        super().__init__({"min": 0, "max": 100, "step": 1, "class": "focal-input", **(attrs or {})})

    class Media:
        js = ["js/admin-focal-point.js"]


class EventAdminForm(forms.ModelForm):
    """The admin's event form: the "Schedule" button has its publication time checked before anything is saved."""

    class Meta:  # the admin gives the model and the fields (from its fieldsets)
        widgets = {"focal_x": FocalPointInput(), "focal_y": FocalPointInput()}

    class Media:
        css = {"all": ["css/admin-event-form.css"]}  # the focal point picker and the submit row
        # After Django's autocomplete (the list states the order the merged media must keep).
        js = ["admin/js/jquery.init.js", "admin/js/autocomplete.js", "js/admin-autocomplete-labels.js"]

    def clean(self):
        cleaned = super().clean()
        if SCHEDULE_BUTTON in self.data and "publish_at" not in self.errors:
            try:
                services.event_schedule_validate(publish_at=cleaned.get("publish_at"))
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned
