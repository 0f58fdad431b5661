from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from swsdigital.core.admin_paging import LargeTableAdminMixin
from swsdigital.core.admin_translation import TranslatedPairsAdminMixin, english_version_filter
from swsdigital.core.changelist import SafeChangeListMixin
from swsdigital.core.images import IMAGE_FORMFIELD_OVERRIDES
from swsdigital.core.staff import staff_action
from swsdigital.mail.admin_display import LABEL as not_delivered_label
from swsdigital.mail.admin_display import not_delivered_html
from swsdigital.privacy import audit
from swsdigital.privacy.models import Consent

from . import selectors, services
from .exports import applications_csv_response, members_csv_response
from .forms import DecisionForm
from .models import Contact, Member, MembershipApplication, MembershipType, Salutation, Topic, User
from .validators import iban_mask


class DirectoryFieldsAdminForm(forms.ModelForm):
    """The directory's visible fields as checkboxes, not as the JSON list they are stored as."""

    directory_fields = forms.MultipleChoiceField(
        label=_("Fields shown in the directory"),
        choices=Member.DIRECTORY_FIELDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Besides name, type and region; only while the organisation is listed in the directory."),
    )


# The application page in the order staff read it; whatever a section does not name lands in the last one.
APPLICATION_SECTIONS = (
    (_("Organisation"), ("name", "legal_form", "sector", "employee_band", "street", "postcode", "city", "region",
                         "website", "description", "logo", "logo_preview", "membership_type", "topics"), ()),
    (_("Contact person"), ("salutation", "title", "first_name", "last_name", "role", "email", "phone",
                           "further_contacts_list"), ()),
    (_("Directory and newsletter"), ("directory_listed", "directory_fields", "newsletter"), ()),
    (_("Direct debit"), ("sepa_account_holder", "sepa_iban", "iban_masked", "sepa_bic"), ()),
    (_("Process"), ("status", "known", "language_name", "created_at", "confirmed_at", "decided_at", "decided_by",
                    "decision_message", "member", "consents_given"), ()),
    (_("Technical details"), (), ("collapse",)),
)  # fmt: skip


def _sections(fields: list[str], sections) -> list[tuple]:
    """Split the admin's field list into titled fieldsets; the last section takes the rest."""
    placed = {name for _title, names, _classes in sections for name in names}
    result = []
    for index, (title, names, classes) in enumerate(sections):
        chosen = (
            [f for f in fields if f in names]
            if index < len(sections) - 1
            else [f for f in fields if f in names or f not in placed]
        )
        if chosen:
            result.append((title, {"fields": chosen, "classes": classes}))
    return result


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code or "–"))


def _contact_line(contact: dict) -> str:
    """One further contact as staff read it: "Herr Dr. Max Muster, Geschäftsführer – max@…, 0371 …"."""
    salutation = str(dict(Salutation.choices).get(contact["salutation"], "")) if contact.get("salutation") else ""
    name = " ".join(part for part in (salutation, contact.get("title", ""), contact.get("first_name", ""),
                                      contact.get("last_name", "")) if part)  # fmt: skip
    head = ", ".join(part for part in (name, contact.get("role", "")) if part)
    reach = ", ".join(part for part in (contact.get("email", ""), contact.get("phone", "")) if part)
    return " – ".join(part for part in (head, reach) if part)


class EmailAddressAdmin(LargeTableAdminMixin, SafeChangeListMixin, AllauthEmailAddressAdmin):
    """allauth's list of addresses; verifying one by hand needs the change permission and is logged."""

    @staff_action(description=_("Mark selected email addresses as verified"), permissions=["change"])
    def make_verified(self, request, queryset):
        return super().make_verified(request, queryset)


admin.site.unregister(EmailAddress)
admin.site.register(EmailAddress, EmailAddressAdmin)


@admin.register(User)
class UserAdmin(LargeTableAdminMixin, SafeChangeListMixin, BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "language")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        (not_delivered_label, {"fields": ("emails_not_delivered",)}),
    )
    readonly_fields = ("emails_not_delivered",)

    @admin.display(description=not_delivered_label)
    def emails_not_delivered(self, obj) -> str:
        return not_delivered_html(obj.email)

    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(MembershipType)
class MembershipTypeAdmin(TranslatedPairsAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("name_de", "category", "annual_fee", "is_active", "position")
    list_editable = ("annual_fee", "is_active", "position")
    list_filter = ("category", "is_active", english_version_filter("name"))
    translated_pairs = ("name", "description")
    prepopulated_fields = {"slug": ("name_de",)}


@admin.register(Topic)
class TopicAdmin(TranslatedPairsAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("name_de", "name_en", "slug")
    list_filter = (english_version_filter("name"),)
    translated_pairs = ("name",)
    search_fields = ("name_de", "name_en")
    prepopulated_fields = {"slug": ("name_de",)}


def _decide(modeladmin, request, queryset, *, approve: bool) -> None:
    done = skipped = 0
    for application in queryset.order_by("created_at"):
        if application.status != MembershipApplication.Status.SUBMITTED:
            skipped += 1
            continue
        if approve:
            services.membership_application_approve(application=application, by=request.user)
        else:
            services.membership_application_reject(application=application, by=request.user)
        done += 1
    if done:
        text = (
            ngettext("%d application approved.", "%d applications approved.", done)
            if approve
            else ngettext("%d application rejected.", "%d applications rejected.", done)
        )
        modeladmin.message_user(request, text % done, messages.SUCCESS)
    if skipped:
        modeladmin.message_user(
            request,
            ngettext(
                "%d application skipped: it is not awaiting a decision.",
                "%d applications skipped: they are not awaiting a decision.",
                skipped,
            )
            % skipped,
            messages.WARNING,
        )


BANK_FIELDS = ("sepa_account_holder", "sepa_iban", "sepa_bic")


class BankDataMixin:
    """Bank details only for those with the treasurer's permission: everyone else sees the IBAN masked
    (``DE89 •••• •••• •••• •••• 00``) in the change view, and never in lists, search or exports.

    The audit trail gets an entry whenever the unmasked IBAN is shown and whenever bank data is changed;
    its own change entries never hold bank fields (swsdigital/privacy/audit.py)."""

    def has_bank_data_permission(self, request) -> bool:
        return request.user.has_perm("members.view_bank_data")

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "iban_masked"]
        if self.has_bank_data_permission(request):
            return fields
        at = fields.index("sepa_iban") if "sepa_iban" in fields else len(fields)
        fields.insert(at, "iban_masked")
        return [f for f in fields if f not in BANK_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if self.has_bank_data_permission(request) else [*readonly, "iban_masked"]

    @admin.display(description=_("IBAN"))
    def iban_masked(self, obj) -> str:
        return iban_mask(obj.sepa_iban) if obj is not None and obj.sepa_iban else "–"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.sepa_iban and self.has_bank_data_permission(request):
            audit.audit_record(target=obj, action=audit.Action.ACCESS, event=audit.BANK_DATA_VIEWED)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if set(form.changed_data) & set(BANK_FIELDS):
            audit.audit_record(target=obj, action=audit.Action.UPDATE, event=audit.BANK_DATA_CHANGED)


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(BankDataMixin, LargeTableAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "contact_name",
        "email",
        "membership_type",
        "region",
        "status",
        "created_at",
        "confirmed_at",
    )
    list_filter = ("status", "membership_type", "region", "known", "created_at")
    search_fields = ("name", "email", "first_name", "last_name", "city")
    list_select_related = ("membership_type",)
    date_hierarchy = "created_at"
    filter_horizontal = ("topics",)
    readonly_fields = (
        "status", "known", "language_name", "submission_token", "submitted_ip", "created_at", "confirmed_at",
        "decided_at", "decided_by", "decision_message", "member", "further_contacts_list", "consents_given",
        "logo_preview", "emails_not_delivered",
    )  # fmt: skip
    exclude = ("language", "further_contacts")  # shown readable by the two methods below
    form = DirectoryFieldsAdminForm
    actions = ("approve_selected", "reject_selected", "export_csv")
    change_form_template = "admin/members/membershipapplication/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("membership_type", "decided_by", "member")

    def has_add_permission(self, request) -> bool:
        return False  # applications come from the form, with their confirmation and consents

    @admin.display(description=_("contact"))
    def contact_name(self, obj: MembershipApplication) -> str:
        return obj.contact_name

    def get_fieldsets(self, request, obj=None):
        return _sections(self.get_fields(request, obj), APPLICATION_SECTIONS)

    @admin.display(description=_("language"))
    def language_name(self, obj: MembershipApplication) -> str:
        return _language_name(obj.language)

    @admin.display(description=_("further contacts"))
    def further_contacts_list(self, obj: MembershipApplication) -> str:
        lines = [_contact_line(contact) for contact in obj.further_contacts or [] if isinstance(contact, dict)]
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines if line)) or "–"

    @admin.display(description=not_delivered_label)
    def emails_not_delivered(self, obj: MembershipApplication) -> str:
        return not_delivered_html(obj.email)

    @admin.display(description=_("consents"))
    def consents_given(self, obj: MembershipApplication) -> str:
        rows = Consent.objects.filter(subject_ref=f"membership-application:{obj.pk}").select_related("text")
        return (
            format_html_join(
                mark_safe("<br>"),
                "{} – {}",
                ((c.text, _("confirmed") if c.confirmed_at else _("not confirmed")) for c in rows),
            )
            or "–"
        )

    @admin.display(description=_("logo"))
    def logo_preview(self, obj: MembershipApplication) -> str:
        if not obj.logo_thumbnail:
            return "–"
        return format_html('<img src="{}" alt="" width="160">', obj.logo_thumbnail.url)

    @staff_action(description=_("Approve selected applications"), permissions=["change"])
    def approve_selected(self, request, queryset):
        _decide(self, request, queryset, approve=True)

    @staff_action(description=_("Reject selected applications"), permissions=["change"])
    def reject_selected(self, request, queryset):
        _decide(self, request, queryset, approve=False)

    @staff_action(description=_("Export selected as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return applications_csv_response(queryset)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/decide/",  # ids are numbers: anything else never reaches the view (issue 19)
                self.admin_site.admin_view(self.decide_view),
                name="members_membershipapplication_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "decision_form": DecisionForm()}
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, object_id):
        """Approve or reject one application with an optional message."""
        application = get_object_or_404(MembershipApplication, pk=object_id)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        change_url = reverse("admin:members_membershipapplication_change", args=[application.pk])
        form = DecisionForm(request.POST or None)
        if request.method != "POST" or not form.is_valid():
            self.message_user(request, _("Please choose approve or reject."), messages.ERROR)
            return redirect(change_url)
        try:
            if form.cleaned_data["decision"] == "approve":
                member = services.membership_application_approve(
                    application=application, by=request.user, message=form.cleaned_data["message"]
                )
                self.message_user(
                    request,
                    _("Approved: %(name)s is member number %(number)s.")
                    % {"name": member.name, "number": member.number},
                    messages.SUCCESS,
                )
            else:
                services.membership_application_reject(
                    application=application, by=request.user, message=form.cleaned_data["message"]
                )
                self.message_user(request, _("The application has been rejected."), messages.SUCCESS)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return redirect(change_url)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    raw_id_fields = ("user",)
    fields = ("is_main", "salutation", "title", "first_name", "last_name", "role", "email", "phone", "user")


class ResignationFilter(admin.SimpleListFilter):
    """Members by their resignation: requested and still to be confirmed, or confirmed."""

    title = _("resignation")
    parameter_name = "resignation"

    def lookups(self, request, model_admin):
        return [("to_confirm", _("to be confirmed")), ("confirmed", _("confirmed"))]

    def queryset(self, request, queryset):
        if self.value() == "to_confirm":
            return queryset.filter(resignation_requested_at__isnull=False, resignation_confirmed_at__isnull=True)
        if self.value() == "confirmed":
            return queryset.filter(resignation_confirmed_at__isnull=False)
        return queryset


@admin.register(Member)
class MemberAdmin(BankDataMixin, LargeTableAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = (
        "number", "name", "membership_type", "region", "status", "directory_listed", "joined_on",
        "resignation_effective_on",
    )  # fmt: skip
    list_display_links = ("number", "name")
    list_filter = (
        "status", "membership_type", "region", "directory_listed", "joined_on", ResignationFilter,
    )  # fmt: skip
    search_fields = ("name", "city", "contacts__email", "contacts__last_name", "=number")
    list_select_related = ("membership_type",)
    readonly_fields = (
        "number", "logo_thumbnail", "created_at", "updated_at", "resignation_requested_at", "resignation_confirmed_at",
        "emails_not_delivered",
    )  # fmt: skip
    filter_horizontal = ("topics",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (ContactInline,)
    actions = ("export_csv", "confirm_resignation")
    change_list_template = "admin/members/member/change_list.html"
    form = DirectoryFieldsAdminForm
    formfield_overrides = IMAGE_FORMFIELD_OVERRIDES  # the checks and messages of the member's own profile form

    @admin.display(description=not_delivered_label)
    def emails_not_delivered(self, obj: Member) -> str:
        return not_delivered_html(*obj.contacts.values_list("email", flat=True))

    def save_model(self, request, obj: Member, form, change: bool) -> None:
        if not obj.number:  # a member staff add by hand gets the next number like an admitted one
            obj.number = services.membership_number_next()
        if "logo" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        # A new or cleared logo goes through the service, which re-encodes it and changes the thumbnail with
        # it: a cleared logo with the thumbnail kept made the member's page fail (issue 19).
        upload = form.cleaned_data["logo"] or None
        obj.logo = form.initial.get("logo") or ""
        super().save_model(request, obj, form, change)
        services.member_logo_set(member=obj, logo=upload)

    @staff_action(description=_("Export selected as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return members_csv_response(queryset, bank_data=self.has_bank_data_permission(request))

    @staff_action(description=_("Confirm the requested resignation"), permissions=["change"])
    def confirm_resignation(self, request, queryset):
        done = 0
        for member in queryset:
            try:
                services.member_resignation_confirm(member=member, by=request.user)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{member}: {' '.join(exc.messages)}", messages.WARNING)
        if done:
            self.message_user(request, ngettext("%d resignation confirmed.", "%d resignations confirmed.", done) % done)

    def get_urls(self):
        return [
            path("figures/", self.admin_site.admin_view(self.figures_view), name="members_member_figures"),
            *super().get_urls(),
        ]

    def figures_view(self, request):
        """Membership figures by type, region and year."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Membership figures"),
            "opts": self.model._meta,
            "figures": selectors.membership_figures(),
        }
        return TemplateResponse(request, "admin/members/member/figures.html", context)
