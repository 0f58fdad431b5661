"""The member area's invoices: the list, and each PDF for that member's accounts only (thin views)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from members import selectors as members_selectors

from . import selectors
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
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def invoice_einvoice(request, number: str):
    """Send a public body's e-invoice (XRechnung) of one of its invoices."""
    member = _member_or_403(request)
    invoice = selectors.invoice_for_member(member=member, number=number[:20]) if member else None
    if invoice is None or not invoice.is_public_body:
        raise Http404
    response = HttpResponse(issuing.invoice_einvoice(invoice=invoice), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}-xrechnung.xml"'
    response["Cache-Control"] = "private, no-store"
    return response
