"""Forms of the application, the confirmation link and the member area, with translated messages."""

import uuid

from allauth.account import forms as allauth_forms
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from swsdigital.core.forms import HoneypotTimingMixin, NameField, SafeModelChoiceField, SafeModelMultipleChoiceField
from swsdigital.core.images import ImageUploadField
from swsdigital.core.money import money_format
from swsdigital.core.sepa import bic_for_iban, iban_check
from swsdigital.core.translated import translated_html

from .models import Contact, Member, MembershipApplication, MembershipType, Salutation, Topic
from .selectors import membership_types_offered
from .validators import bic_validate, iban_normalise, iban_validate, postcode_validate

MAX_FURTHER_CONTACTS = 5
# Names as staff read them in the admin, exports and emails: no invisible or direction-changing characters.
ORGANISATION_NAME_FIELDS = dict.fromkeys(("name", "legal_form", "sector"), NameField)
PERSON_NAME_FIELDS = dict.fromkeys(("title", "first_name", "last_name", "role"), NameField)


class MembershipTypeField(SafeModelChoiceField):
    def label_from_instance(self, obj: MembershipType) -> str:
        # HTML: a German name on the English form is marked lang="de" with "(auf Deutsch)" (radio labels).
        label = _("%(name)s – %(fee)s per year") % {
            "name": translated_html(obj, "name"),
            "fee": conditional_escape(money_format(obj.annual_fee)),
        }
        return mark_safe(label)  # noqa: S308 - the name is escaped (and marked) by translated_html, the fee escaped


class TopicsField(SafeModelMultipleChoiceField):
    def label_from_instance(self, obj: Topic) -> str:
        return translated_html(obj, "name", note=False)


class OrganisationFieldsMixin(forms.ModelForm):
    """Shared validation of the organisation's address."""

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip()
        postcode_validate(value)
        return value


def _logo_field() -> ImageUploadField:
    return ImageUploadField(label=_("Logo"), required=False, help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB."))


class ApplicationForm(HoneypotTimingMixin, OrganisationFieldsMixin):
    """The online application: organisation, main contact, membership, SEPA mandate, consents."""

    membership_type = MembershipTypeField(
        queryset=MembershipType.objects.none(), label=_("Membership type"), widget=forms.RadioSelect, empty_label=None
    )
    topics = TopicsField(
        queryset=Topic.objects.all(), label=_("Topics of interest"), required=False, widget=forms.CheckboxSelectMultiple
    )
    logo = _logo_field()
    sepa_mandate = forms.BooleanField(
        label=_("I authorise the association to collect the annual fee by SEPA direct debit."), required=False
    )
    statutes = forms.BooleanField(label=_("I have read the statutes of the association and accept them."))
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice and agree to my data being processed as described.")
    )
    directory_listed = forms.BooleanField(
        label=_("Our organisation may be listed in the public member directory with the fields chosen."),
        required=False,
    )
    directory_fields = forms.MultipleChoiceField(
        label=_("Shown in the directory besides name, type and region"),
        choices=Member.DIRECTORY_FIELDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    newsletter = forms.BooleanField(
        label=_("I would like to receive the newsletter by email. I can unsubscribe at any time."), required=False
    )
    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    class Meta:
        model = MembershipApplication
        fields = [
            "name", "legal_form", "sector", "employee_band", "street", "postcode", "city", "region", "website",
            "description", "salutation", "title", "first_name", "last_name", "role", "email", "phone",
            "membership_type", "topics", "sepa_account_holder", "sepa_iban", "sepa_bic",
        ]  # fmt: skip
        field_classes = {**ORGANISATION_NAME_FIELDS, **PERSON_NAME_FIELDS, "sepa_account_holder": NameField}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership_type"].queryset = membership_types_offered()
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["region"].choices = [("", _("Please choose")), *list(self.fields["region"].choices)[1:]]
        if not self.is_bound:
            self.initial["submission_token"] = uuid.uuid4().hex
        statutes_url = reverse("pages:statutes")
        privacy_url = reverse("pages:privacy")
        statutes_text = _("Read the statutes")
        privacy_text = _("Read the privacy notice")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Organisation"),
                "name",
                Div(Div("legal_form", css_class="col-md-6"), Div("sector", css_class="col-md-6"), css_class="row"),
                "employee_band",
                "street",
                Div(Div("postcode", css_class="col-md-4"), Div("city", css_class="col-md-8"), css_class="row"),
                "region",
                "website",
                "description",
                "logo",
                css_id="join-organisation",
            ),
            Fieldset(
                _("Main contact"),
                Div(Div("salutation", css_class="col-md-4"), Div("title", css_class="col-md-8"), css_class="row"),
                Div(Div("first_name", css_class="col-md-6"), Div("last_name", css_class="col-md-6"), css_class="row"),
                "role",
                Div(Div("email", css_class="col-md-6"), Div("phone", css_class="col-md-6"), css_class="row"),
                css_id="join-contact",
            ),
            Fieldset(_("Membership"), "membership_type", "topics", css_id="join-membership"),
            Fieldset(
                _("SEPA direct debit (optional)"),
                HTML(
                    '<p class="form-text">'
                    + str(_("The mandate reference is issued on admission and sent to you with the welcome email."))
                    + "</p>"
                ),
                "sepa_mandate",
                "sepa_account_holder",
                Div(Div("sepa_iban", css_class="col-md-8"), Div("sepa_bic", css_class="col-md-4"), css_class="row"),
                css_id="join-sepa",
            ),
            Fieldset(
                _("Consents"),
                HTML(
                    f'<p class="form-text"><a href="{statutes_url}">{statutes_text}</a> · '
                    f'<a href="{privacy_url}">{privacy_text}</a></p>'
                ),
                "statutes",
                "privacy",
                "directory_listed",
                "directory_fields",
                "newsletter",
                css_id="join-consents",
            ),
            "submission_token",
            Div("homepage", css_class="hp-field", aria_hidden="true"),
            "form_started",
        )

    def sections(self) -> list[dict]:
        """Return the form's sections for its outline: anchor, title and the number of errors in each."""
        return [
            {
                "id": part.css_id,
                "title": part.legend,
                "errors": sum(len(self.errors.get(pointer.name, ())) for pointer in part.get_field_names()),
            }
            for part in self.helper.layout.fields
            if isinstance(part, Fieldset)
        ]

    def clean_sepa_iban(self) -> str:
        value = iban_normalise(self.cleaned_data.get("sepa_iban", ""))
        if value:
            iban_validate(value)  # our own messages for length and checksum first
            value = iban_check(value)  # then schwifty: the country's format and the SEPA area
        return value

    def clean_sepa_bic(self) -> str:
        value = self.cleaned_data.get("sepa_bic", "").replace(" ", "").upper()
        if value:
            bic_validate(value)
        return value

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sepa_mandate"):
            if not cleaned.get("sepa_account_holder"):
                self.add_error("sepa_account_holder", _("Please enter the account holder for the direct debit."))
            if not cleaned.get("sepa_iban") and "sepa_iban" not in self.errors:
                self.add_error("sepa_iban", _("Please enter the IBAN for the direct debit."))
        elif cleaned.get("sepa_iban") or cleaned.get("sepa_account_holder"):
            self.add_error(
                "sepa_mandate", _("Please confirm the direct-debit mandate or leave the bank details empty.")
            )
        if cleaned.get("sepa_iban") and not cleaned.get("sepa_bic"):
            cleaned["sepa_bic"] = bic_for_iban(cleaned["sepa_iban"])  # the BIC of German banks is derived
        if cleaned.get("directory_listed") is False:
            cleaned["directory_fields"] = []
        return cleaned


class FurtherContactForm(forms.ModelForm):
    """A further contact person named in the application."""

    class Meta:
        model = Contact
        fields = ["salutation", "title", "first_name", "last_name", "role", "email", "phone"]
        field_classes = PERSON_NAME_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_permitted = True
        self.use_required_attribute = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(
                Div("salutation", css_class="col-md-3"),
                Div("title", css_class="col-md-3"),
                Div("first_name", css_class="col-md-3"),
                Div("last_name", css_class="col-md-3"),
                css_class="row",
            ),
            Div(
                Div("role", css_class="col-md-4"),
                Div("email", css_class="col-md-4"),
                Div("phone", css_class="col-md-4"),
                css_class="row",
            ),
        )


class _ContactsFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            email = (form.cleaned_data or {}).get("email", "").lower() if hasattr(form, "cleaned_data") else ""
            if email and email in seen:
                form.add_error("email", _("This address is listed twice."))
            seen.add(email)


FurtherContactFormSet = forms.formset_factory(
    FurtherContactForm, formset=_ContactsFormSet, extra=2, max_num=MAX_FURTHER_CONTACTS, validate_max=True
)


class LinkResendForm(HoneypotTimingMixin, forms.Form):
    """Ask for a new confirmation link."""

    email = forms.EmailField(label=_("Email address of the application"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "email",
            Div("homepage", css_class="hp-field", aria_hidden="true"),
            "form_started",
            Submit("submit", _("Send a new link")),
        )


class ProfileForm(OrganisationFieldsMixin):
    """The member's organisation profile."""

    topics = TopicsField(
        queryset=Topic.objects.all(), label=_("Topics of interest"), required=False, widget=forms.CheckboxSelectMultiple
    )
    logo = _logo_field()
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    class Meta:
        model = Member
        fields = [
            "name", "legal_form", "sector", "employee_band", "street", "postcode", "city", "region", "website",
            "description", "description_en", "topics",
        ]  # fmt: skip
        field_classes = ORGANISATION_NAME_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5, "lang": "en"}),
        }
        labels = {"description_en": _("Short description in English (optional)")}
        help_texts = {
            "description_en": _(
                "Shown in the English member directory. Without it, English readers see your German description."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.pop("logo", None)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name",
            Div(Div("legal_form", css_class="col-md-6"), Div("sector", css_class="col-md-6"), css_class="row"),
            "employee_band",
            "street",
            Div(Div("postcode", css_class="col-md-4"), Div("city", css_class="col-md-8"), css_class="row"),
            "region",
            "website",
            "description",
            "description_en",
            "topics",
            "logo",
            "remove_logo",
            Submit("submit", _("Save profile")),
        )


class DirectoryForm(forms.Form):
    """Whether and with which fields the member appears in the public directory."""

    listed = forms.BooleanField(
        label=_("Our organisation may be listed in the public member directory with the fields chosen."),
        required=False,
    )
    fields = forms.MultipleChoiceField(
        label=_("Shown besides name, type and region"),
        choices=Member.DIRECTORY_FIELDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("listed", "fields", Submit("submit", _("Save directory settings")))


class ContactInviteForm(forms.ModelForm):
    """Invite a colleague to an account of their own."""

    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=[("de", _("German")), ("en", _("English"))]
    )

    class Meta:
        model = Contact
        fields = ["salutation", "title", "first_name", "last_name", "role", "email", "phone"]
        field_classes = PERSON_NAME_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salutation"].choices = Salutation.choices
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Div(Div("salutation", css_class="col-md-4"), Div("title", css_class="col-md-8"), css_class="row"),
            Div(Div("first_name", css_class="col-md-6"), Div("last_name", css_class="col-md-6"), css_class="row"),
            "role",
            Div(Div("email", css_class="col-md-6"), Div("phone", css_class="col-md-6"), css_class="row"),
            "language",
            Submit("submit", pgettext_lazy("button", "Invite")),
        )

    def validate_unique(self) -> None:
        """The service checks duplicates per member (the form has no member)."""


class ResignationForm(forms.Form):
    """Confirm the wish to resign."""

    confirm = forms.BooleanField(label=_("Yes, we want to end our membership."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("confirm", Submit("submit", _("Request resignation"), css_class="btn-danger"))


class DecisionForm(forms.Form):
    """Staff's approve/reject decision on one application."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Message to the applicant (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class DirectoryFilterForm(forms.Form):
    """Filters of the public directory (invalid values are ignored)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.CharField(required=False, max_length=30)
    type = forms.CharField(required=False, max_length=60)
    topic = forms.CharField(required=False, max_length=60)


# --- Account forms (allauth) with the portal's honeypot and minimum fill time -----


class ProtectedLoginForm(HoneypotTimingMixin, allauth_forms.LoginForm):
    """allauth's login form with a honeypot; a second suffices, password managers fill it at once."""

    min_fill_seconds = 1


class ProtectedSignupForm(HoneypotTimingMixin, allauth_forms.SignupForm):
    """allauth's signup form with a honeypot and the minimum fill time."""

    def try_save(self, request):
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            # The same address signed up in a simultaneous request (a double click): that one created the
            # account and sends the mail; this one gets the same "check your mailbox" page.
            from allauth.account.adapter import get_adapter

            return None, get_adapter().respond_email_verification_sent(request, None)


class ProtectedResetPasswordForm(HoneypotTimingMixin, allauth_forms.ResetPasswordForm):
    """allauth's password-reset request with a honeypot and the minimum fill time."""

    min_fill_seconds = 1
