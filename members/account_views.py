"""Self-service privacy for every account (issue 13): "My data" (Art. 15) and deleting the account (Art. 17).

Both act on the account's verified addresses only: an address added but never confirmed proves nothing,
so the data filed under it is neither shown nor erased here.
"""

import json

from allauth.account.forms import ReauthenticateForm
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from swsdigital.privacy.readable import person_export_sections
from swsdigital.privacy.services import person_export_addresses, person_preview

from . import selectors, services


@never_cache
@login_required
def my_data(request):
    """Show everything held about the account's verified addresses, readable, section by section."""
    emails = selectors.account_verified_emails(user=request.user)
    exports = person_export_addresses(emails=emails)["exports"]
    addresses = [{"email": e["email"], "sections": person_export_sections(export=e)} for e in exports]
    return render(request, "members/account/my_data.html", {"addresses": addresses})


@never_cache
@login_required
def my_data_json(request):
    """Download the same as JSON."""
    data = person_export_addresses(emails=selectors.account_verified_emails(user=request.user))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="meine-daten.json"'
    return response


def _refused(request, exc: services.AccountErasureRefused, *, status: int = 200):
    return render(request, "members/account/delete_refused.html", {"refusal": exc}, status=status)


@never_cache
@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """GET shows what deleting the account erases and keeps; POST with the password erases it and logs out."""
    try:
        emails = services.account_erase_check(user=request.user)
    except services.AccountErasureRefused as exc:
        return _refused(request, exc, status=403 if request.method == "POST" else 200)
    # allauth's own re-authentication form: its message, and its rate limit on failed attempts.
    form = ReauthenticateForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_erase(user=request.user)
        except services.AccountErasureRefused as exc:
            return _refused(request, exc, status=403)
        logout(request)
        return redirect("members:account_deleted")
    context = {
        "form": form,
        "previews": [person_preview(email=email) for email in emails],
        "has_password": request.user.has_usable_password(),
    }
    return render(request, "members/account/delete.html", context, status=400 if form.errors else 200)


def account_deleted(request):
    """Say that the account is gone (shown after the logout, to nobody in particular)."""
    return render(request, "members/account/deleted.html")
