"""The member area's invoices: the list, and each PDF for that member's accounts only (thin views)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from members import selectors as members_selectors
from members import services as members_services
from swsdigital.core.ratelimit import client_ip
from swsdigital.core.redaction import iban_mask
from swsdigital.privacy.services import consent_text_current

from . import selectors
from .downloads import private_download
from .forms import BankAccountForm
from .services import issuing


def _member_or_403(request):
    return members_selectors.member_for_user(user=request.user)


@login_required
def invoices(request):
    """List the member's invoices with their state."""
    member = _member_or_403(request)
    if member is None:
        return render(request, "members/area/not_member.html", status=403)
    context = {"member": member, "invoices": selectors.invoices_for_member(member=member), "section": "invoices"}
    return render(request, "fees/invoices.html", context)


@login_required
def invoice_pdf(request, number: str):
    """Send one of the member's invoices as PDF (404 for anyone else's, so numbers reveal nothing)."""
    member = _member_or_403(request)
    document = selectors.invoice_document_for_member(member=member, number=number[:20]) if member else None
    if document is None:
        raise Http404
    return private_download(bytes(document.pdf), filename=document.filename, content_type="application/pdf")


@login_required
def invoice_einvoice(request, number: str):
    """Send a public body's e-invoice (XRechnung) of one of its invoices."""
    member = _member_or_403(request)
    invoice = selectors.invoice_for_member(member=member, number=number[:20]) if member else None
    if invoice is None or not invoice.is_public_body:
        raise Http404
    return private_download(
        issuing.invoice_einvoice(invoice=invoice),
        filename=f"{invoice.number}-xrechnung.xml",
        content_type="application/xml",
    )


@sensitive_post_parameters("iban", "account_holder")
@login_required
def bank_account(request):
    """The member's direct debit: the account (masked) and mandate; the main contact gives a new mandate."""
    member = _member_or_403(request)
    if member is None:
        return render(request, "members/area/not_member.html", status=403)
    may_change = members_selectors.user_is_main_contact(user=request.user, member=member)
    text = consent_text_current(key="sepa_mandate")
    mandate_text = text.text_en if get_language() == "en" and text.text_en else text.text_de
    form = BankAccountForm(request.POST if request.method == "POST" and may_change else None, mandate_text=mandate_text)
    if request.method == "POST" and not may_change:
        messages.error(request, _("Only the main contact can change the bank account."))
    elif form.is_valid():
        try:
            members_services.member_bank_account_change(
                member=member,
                account_holder=form.cleaned_data["account_holder"],
                iban=form.cleaned_data["iban"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Thank you: the new direct debit mandate is in force for the next collection."))
            return redirect("fees:bank_account")
    context = {
        "member": member,
        "section": "bank",
        "form": form,
        "may_change": may_change,
        "iban_masked": iban_mask(member.sepa_iban) if member.sepa_iban else "",
    }
    return render(request, "fees/bank_account.html", context)
