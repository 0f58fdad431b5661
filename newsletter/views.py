"""Public pages of the newsletter: sign-up, confirmation, preferences, one-click unsubscribe, archive."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from swsdigital.core.pagecache import page_cached
from swsdigital.core.pagination import paginate
from swsdigital.core.ratelimit import client_ip, rate_limit_request
from swsdigital.privacy.services import person_preview

from . import selectors, services
from .forms import PreferencesForm, SubscribeForm
from .rendering import mailing_context


@page_cached(sections=("newsletter",))
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """Show the sign-up form; on a valid POST start the double opt-in and answer the same for everyone."""
    rate_limit_request(
        request,
        scope="newsletter-subscribe",
        limit=settings.NEWSLETTER_SUBSCRIBE_RATE_LIMIT,
        period=settings.NEWSLETTER_SUBSCRIBE_RATE_PERIOD,
    )
    form = SubscribeForm(request.POST or None, language=get_language())
    if request.method == "POST" and form.is_valid():
        services.subscriber_subscribe(
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"],
            topics=list(form.cleaned_data["topics"]),
            source="home page box" if request.POST.get("source") == "home" else "newsletter page",
            ip=client_ip(request),
        )
        return redirect("newsletter:subscribe_done")
    return render(request, "newsletter/subscribe.html", {"form": form}, status=400 if form.errors else 200)


def subscribe_done(request):
    """Tell people to look in their inbox (the same text whatever the address's state)."""
    return render(request, "newsletter/subscribe_done.html")


def _invalid_link(request, exc: services.InvalidToken):
    return render(request, "newsletter/invalid_link.html", {"expired": exc.expired}, status=400)


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """Confirm with a button (mail scanners follow links with GET, they do not press buttons)."""
    try:
        subscriber = services.subscriber_from_confirm_token(token)
        if request.method == "POST":
            subscriber = services.subscriber_confirm(token=token, ip=client_ip(request))
            return render(request, "newsletter/confirmed.html", {"subscriber": subscriber})
    except services.InvalidToken as exc:
        return _invalid_link(request, exc)
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


@require_http_methods(["GET", "POST"])
def preferences(request, token: str):
    """Let a subscriber change topics and language, or unsubscribe."""
    try:
        subscriber = services.subscriber_from_manage_token(token)
    except services.InvalidToken as exc:
        return _invalid_link(request, exc)
    form = PreferencesForm(
        request.POST or None,
        initial={"language": subscriber.language, "topics": list(subscriber.topics.all())},
    )
    saved = False
    if request.method == "POST" and form.is_valid():
        services.subscriber_preferences_update(
            subscriber=subscriber, language=form.cleaned_data["language"], topics=list(form.cleaned_data["topics"])
        )
        saved = True
    context = {"form": form, "subscriber": subscriber, "token": token, "saved": saved}
    return render(request, "newsletter/preferences.html", context, status=400 if form.errors else 200)


@csrf_exempt  # RFC 8058: mail providers POST here without cookies or a CSRF token; the signed URL is the proof.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks for confirmation; POST (the page's button or a mail provider's one-click) unsubscribes."""
    try:
        subscriber = services.subscriber_from_manage_token(token)
    except services.InvalidToken as exc:
        return _invalid_link(request, exc)
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("You have been unsubscribed."), content_type="text/plain; charset=utf-8")
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber, "token": token})
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token})


@never_cache
@require_http_methods(["GET", "POST"])
def erase(request, token: str):
    """GET shows everything held about the subscriber's address; POST (CSRF-protected) erases all of it."""
    try:
        subscriber = services.subscriber_from_manage_token(token)
        services.subscriber_data_erase_check(subscriber=subscriber)
        if request.method == "POST":
            services.subscriber_data_erase(subscriber=subscriber)
            return redirect("newsletter:erased")
        preview = person_preview(email=subscriber.email)
    except services.InvalidToken as exc:
        if exc.gone:  # a signed link whose subscriber is gone: the second click on "delete", or a later visit
            return render(request, "newsletter/erase_gone.html")
        return _invalid_link(request, exc)
    except services.ErasureNeedsLogin:
        status = 403 if request.method == "POST" else 200
        return render(request, "newsletter/erase_login.html", {"subscriber": subscriber, "token": token}, status=status)
    except ValidationError:  # an address stored before today's checks: treat the link as broken, never a 500
        return _invalid_link(request, services.InvalidToken())
    context = {"subscriber": subscriber, "token": token, "preview": preview}
    return render(request, "newsletter/erase.html", context)


def erased(request):
    """Say that the data is erased (no token: the link no longer leads anywhere)."""
    return render(request, "newsletter/erased.html")


@page_cached(sections=("newsletter",))
def archive(request):
    """List the mailings sent so far."""
    page_obj = paginate(selectors.mailings_archive(), page=request.GET.get("page"), per_page=20)
    return render(request, "newsletter/archive.html", {"page_obj": page_obj, "mailings": page_obj.object_list})


@page_cached(sections=("newsletter", "events", "press"))
def mailing_detail(request, pk: int, slug: str):
    """Show the web version of a sent mailing (without personal links)."""
    mailing = selectors.mailing_archived_get(pk=pk)
    if mailing is None:
        raise Http404
    language = get_language() or "de"
    context = mailing_context(mailing, language, unsubscribe_url="", preferences_url="")
    return render(request, "newsletter/mailing_detail.html", context)
