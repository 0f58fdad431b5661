"""Membership pages: application, confirmation, directory and the member area (thin views)."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from swsdigital.core.pagecache import page_cached
from swsdigital.core.pagination import paginate
from swsdigital.core.ratelimit import client_ip, rate_limit_request
from swsdigital.privacy.selectors import consents_for_email

from . import selectors, services
from .forms import (
    ApplicationForm,
    ContactInviteForm,
    DirectoryFilterForm,
    DirectoryForm,
    FurtherContactFormSet,
    LinkResendForm,
    ProfileForm,
    ResignationForm,
)
from .models import Member, Region

DIRECTORY_PER_PAGE = 24


def _add_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@sensitive_post_parameters("sepa_iban", "sepa_account_holder", "sepa_bic")
@page_cached(sections=("members",))
def join(request):
    """Show and accept the application form; every accepted submission gets the same page."""
    rate_limit_request(
        request, scope="members-join", limit=settings.MEMBERS_JOIN_RATE_LIMIT, period=settings.MEMBERS_JOIN_RATE_PERIOD
    )
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES)
        contacts = FurtherContactFormSet(request.POST, prefix="contacts")
        if form.is_valid() and contacts.is_valid():
            data = {
                **form.cleaned_data,
                "further_contacts": [c.cleaned_data for c in contacts.forms if c.cleaned_data.get("email")],
            }
            try:
                services.membership_application_create(
                    data=data,
                    topics=form.cleaned_data["topics"],
                    logo=form.cleaned_data.get("logo"),
                    submission_token=form.cleaned_data["submission_token"],
                    ip=client_ip(request),
                    language=get_language(),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return redirect("members:join_sent")
    else:
        form = ApplicationForm()
        contacts = FurtherContactFormSet(prefix="contacts")
    return render(
        request,
        "members/join.html",
        {"form": form, "contacts": contacts, "types": selectors.membership_types_offered()},
    )


def join_sent(request):
    """Tell the applicant to look for our email (the same page for every submission)."""
    return render(request, "members/join_sent.html")


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """Confirm an application's address with a button (mail scanners follow links, they do not press buttons).

    A bad or expired link offers a new one.
    """
    try:
        if request.method == "POST":
            application = services.membership_application_confirm(token=token, ip=client_ip(request))
            return render(request, "members/confirm_done.html", {"application": application})
        application = services.membership_application_from_confirm_token(token=token)
    except services.ApplicationLinkInvalid as exc:
        return render(
            request,
            "members/confirm_invalid.html",
            {"expired": exc.expired, "form": LinkResendForm()},
            status=410 if exc.expired else 400,
        )
    if application.status != application.Status.UNCONFIRMED:
        return render(request, "members/confirm_done.html", {"application": application})
    return render(request, "members/confirm.html", {"application": application})


def link_resend(request):
    """Mail a new confirmation link; the answer never says whether the address is known."""
    rate_limit_request(request, scope="members-link", limit=5, period=3600)
    form = LinkResendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.membership_application_link_resend(email=form.cleaned_data["email"])
        return redirect("members:join_sent")
    return render(request, "members/confirm_invalid.html", {"expired": True, "form": form, "resend": True})


@page_cached(sections=("members",))
def directory(request):
    """List the listed members with filters, search and pagination."""
    filters = DirectoryFilterForm(request.GET)
    values = filters.cleaned_data if filters.is_valid() else {}
    members = selectors.directory_members(
        region=values.get("region") if values.get("region") in dict(Region.choices) else "",
        membership_type=values.get("type", ""),
        topic=values.get("topic", ""),
        q=values.get("q", "").strip(),
    )
    page_obj = paginate(members, page=request.GET.get("page"), per_page=DIRECTORY_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/directory.html",
        {
            "page_obj": page_obj,
            "members": page_obj.object_list,
            "filters": selectors.directory_filters(),
            "current": values,
            "querystring": query.urlencode(),
        },
    )


@page_cached(sections=("members",))
def detail(request, slug: str):
    """Show one listed member with only the fields it chose to show."""
    member = selectors.directory_member_get(slug=slug)
    if member is None:
        raise Http404
    main = member.main[0] if member.main else None
    return render(
        request,
        "members/detail.html",
        {"member": member, "main_contact": main, "schema_json": _organisation_schema(member, main)},
    )


def _organisation_schema(member: Member, main) -> str:
    """Return schema.org Organization JSON-LD with only the fields the member shows."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": member.name,
        "url": f"{settings.SITE_URL}{member.get_absolute_url()}",
        "areaServed": member.get_region_display(),
    }
    if member.show_website:
        data["sameAs"] = [member.website]
    if member.show_description:
        data["description"] = member.description_shown
    if member.show_logo:
        data["logo"] = f"{settings.SITE_URL}{member.logo.url}"
    if member.show_address:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": member.street,
            "postalCode": member.postcode,
            "addressLocality": member.city,
            "addressCountry": "DE",
        }
    if member.show_contact and main:
        data["contactPoint"] = {"@type": "ContactPoint", "name": main.name, "email": main.email}
        if main.phone:
            data["contactPoint"]["telephone"] = main.phone
    text = json.dumps(data, ensure_ascii=False)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))  # noqa: S308


def _member_or_403(request) -> Member:
    member = selectors.member_for_user(user=request.user)
    if member is None:
        raise PermissionDenied
    return member


@login_required
def account(request):
    """Open "My account": the member area for members, the account settings for everyone else."""
    if selectors.member_for_user(user=request.user) is not None:
        return redirect("members:area")
    return redirect("account_email")


@login_required
def area(request):
    """The member area's start: profile form."""
    member = selectors.member_for_user(user=request.user)
    if member is None:
        return render(request, "members/area/not_member.html", status=403)
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=member,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_profile_update(
                member=member,
                data=form.cleaned_data,
                topics=form.cleaned_data["topics"],
                logo=form.cleaned_data.get("logo"),
                remove_logo=form.cleaned_data.get("remove_logo", False),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("members:area")
    return render(request, "members/area/profile.html", {"member": member, "form": form, "section": "profile"})


@login_required
def area_directory(request):
    """Choose directory visibility per field."""
    member = _member_or_403(request)
    form = DirectoryForm(
        request.POST if request.method == "POST" else None,
        initial={"listed": member.directory_listed, "fields": member.directory_fields},
    )
    if request.method == "POST" and form.is_valid():
        services.member_directory_update(
            member=member,
            listed=form.cleaned_data["listed"],
            fields=form.cleaned_data["fields"],
            user=request.user,
            ip=client_ip(request),
        )
        messages.success(request, _("Your directory settings have been saved."))
        return redirect("members:area_directory")
    return render(request, "members/area/directory.html", {"member": member, "form": form, "section": "directory"})


@login_required
def area_contacts(request):
    """List the contacts and invite colleagues."""
    member = _member_or_403(request)
    form = ContactInviteForm(
        request.POST if request.method == "POST" else None, initial={"language": request.user.language}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_invite(member=member, by=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The invitation has been sent."))
            return redirect("members:area_contacts")
    contacts = selectors.member_contacts(member=member)
    return render(
        request,
        "members/area/contacts.html",
        {"member": member, "form": form, "contacts": contacts, "section": "contacts"},
    )


@login_required
@require_POST
def area_contact_remove(request, pk: int):
    """Remove a contact of the own member organisation."""
    member = _member_or_403(request)
    contact = get_object_or_404(member.contacts, pk=pk)
    try:
        services.contact_remove(contact=contact, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The contact has been removed."))
    return redirect("members:area_contacts")


@login_required
def area_consents(request):
    """Show the user's consents; directory and newsletter consents can be withdrawn."""
    member = _member_or_403(request)
    if request.method == "POST":
        try:
            consent_id = int(request.POST.get("consent", ""))
        except ValueError:
            consent_id = 0
        services.member_consent_withdraw(member=member, user=request.user, consent_id=consent_id)
        messages.success(request, _("Your consent has been withdrawn."))
        return redirect("members:area_consents")
    return render(
        request,
        "members/area/consents.html",
        {
            "member": member,
            "consents": consents_for_email(email=request.user.email),
            "withdrawable": services.members.WITHDRAWABLE_CONSENTS,
            "section": "consents",
        },
    )


@login_required
def area_export(request):
    """Download all own data as JSON."""
    member = _member_or_403(request)
    data = services.member_data_export(member=member, user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="mitgliedschaft-{member.number}.json"'
    return response


@login_required
def area_resign(request):
    """Request the resignation with the date the statutes give."""
    member = _member_or_403(request)
    form = ResignationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_resignation_request(member=member, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your resignation has been received. The office will confirm it by email."))
        return redirect("members:area_resign")
    return render(
        request,
        "members/area/resign.html",
        {
            "member": member,
            "form": form,
            "effective_on": services.member_resignation_effective_date(on=timezone.localdate()),
            "section": "resign",
        },
    )
