"""Public pages of the event calendar, personal registration pages and the check-in page."""

import hashlib
import json
import re
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from swsdigital.core.admin_preview import PreviewInstance, PreviewRelated
from swsdigital.core.pagecache import page_cached
from swsdigital.core.pagination import paginate
from swsdigital.core.ratelimit import client_ip, rate_limit_request
from swsdigital.core.staff import staff_can, staff_required
from swsdigital.core.translated import text_language

from . import selectors, services
from .forms import EventFilterForm, RegistrationForm
from .ical import calendar_build, event_ics
from .models import Event, Registration, Venue

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _filters(request) -> tuple[EventFilterForm, dict]:
    form = EventFilterForm(
        request.GET or None, series=selectors.series_all(), topics=selectors.topics_all(), auto_id="filter_%s"
    )
    return form, form.filters()


def _feed_url(filters: dict) -> str:
    params = {k: v for k, v in filters.items() if k in ("series", "topic")}
    return reverse("events:feed") + (f"?{urlencode(params)}" if params else "")


def _webcal(path: str) -> str:
    return f"webcal://{settings.SITE_URL.split('://', 1)[-1]}{path}"


def _list_context(request, filters: dict) -> dict:
    feed = _feed_url(filters)
    return {"feed_url": feed, "webcal_url": _webcal(feed), "filter_query": urlencode(filters)}


@page_cached(sections=("events", "registrations"))
@require_GET
def event_list(request):
    """Upcoming events grouped by month, with filters."""
    form, filters = _filters(request)
    page_obj = paginate(selectors.events_upcoming(**filters), page=request.GET.get("page"), per_page=30)
    events = selectors.events_with_state(page_obj.object_list)
    return render(
        request,
        "events/event_list.html",
        {"form": form, "page_obj": page_obj, "events": events, **_list_context(request, filters)},
    )


@page_cached(sections=("events",))
@require_GET
def event_archive(request):
    """Past events, latest first."""
    form, filters = _filters(request)
    page_obj = paginate(selectors.events_past(**filters), page=request.GET.get("page"), per_page=30)
    return render(request, "events/event_archive.html", {"form": form, "page_obj": page_obj, "events": page_obj})


def _month(value: str) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in value.split("-", 1))
        if 1900 < year < 2200 and 1 <= month <= 12:
            return date(year, month, 1)
    except (ValueError, AttributeError):
        pass
    return today.replace(day=1)


@page_cached(sections=("events", "registrations"))
@require_GET
def event_calendar(request):
    """A month as a calendar grid."""
    form, filters = _filters(request)
    first = _month(request.GET.get("month", ""))
    events = selectors.events_in_month(year=first.year, month=first.month, **filters)
    previous = (first.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return render(
        request,
        "events/event_calendar.html",
        {
            "form": form,
            "month": first,
            "weeks": selectors.month_weeks(year=first.year, month=first.month, events=events),
            "events": events,
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}",
            **_list_context(request, filters),
        },
    )


def _calendar_links(event: Event) -> dict:
    venue = event.place
    location = ", ".join(p for p in (venue.name, venue.address) if p) if venue else ""
    start = event.start.astimezone(timezone.get_fixed_timezone(0))
    end = event.end.astimezone(timezone.get_fixed_timezone(0))
    google = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}",
        "details": f"{event.teaser}\n{settings.SITE_URL}{event.get_absolute_url()}".strip(),
        "location": location,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": start.isoformat(),
        "enddt": end.isoformat(),
        "body": event.teaser,
        "location": location,
    }
    return {
        "google": "https://calendar.google.com/calendar/render?" + urlencode(google),
        "outlook": "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(outlook),
    }


_EVENT_STATUS = {
    Event.Status.CANCELLED: "https://schema.org/EventCancelled",
    Event.Status.POSTPONED: "https://schema.org/EventPostponed",
}
_ATTENDANCE = {
    Event.Format.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    Event.Format.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    Event.Format.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}


def _json_ld_place(venue: Venue) -> dict:
    address = {"@type": "PostalAddress", "streetAddress": venue.street, "postalCode": venue.postcode}
    address["addressLocality"] = venue.town
    if venue.region and venue.region not in (Event.Region.ONLINE, Event.Region.ELSEWHERE):
        address["addressCountry"] = "DE"  # the association's own regions
    place = {"@type": "Place", "name": venue.name, "address": {k: v for k, v in address.items() if v}}
    if venue.map_url:
        place["hasMap"] = venue.map_url
    return place


def _json_ld(event: Event) -> str:
    url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.teaser,
        "startDate": timezone.localtime(event.start).isoformat(),
        "endDate": timezone.localtime(event.end).isoformat(),
        "eventStatus": _EVENT_STATUS.get(event.status, "https://schema.org/EventScheduled"),
        "eventAttendanceMode": _ATTENDANCE[event.format],
        "url": url,
        # The text's own language: German where the English page shows the German text.
        "inLanguage": text_language(event, "title"),
    }
    locations = []
    if event.place:
        locations.append(_json_ld_place(event.place))
    if event.is_online:
        locations.append({"@type": "VirtualLocation", "url": url})
    data["location"] = locations[0] if len(locations) == 1 else locations
    if event.organiser:
        data["organizer"] = {"@type": "Organization", "name": event.organiser}
    if event.image:
        data["image"] = f"{settings.SITE_URL}{event.image.url}"
    text = json.dumps(data, ensure_ascii=False)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))  # noqa: S308


_ALREADY_REGISTERED = gettext_lazy(
    "You are already registered for this event with this email address. We have not created a second registration."
)


def _closed_message(state: str) -> str:
    if state == "members_only":
        return services.MEMBERS_ONLY_MESSAGE
    return services.CLOSED_MESSAGES.get(state, "")


@page_cached(sections=("events", "registrations"))
def event_detail(request, slug: str):
    """One event with its registration form."""
    event = selectors.event_get(slug=slug, preview=staff_can(request.user, "events.view_event"))
    if event is None:
        raise Http404(_("This event does not exist or is not published."))
    places = selectors.event_places(event=event) if event.capacity else None
    state = _registration_state(event, places, request.user)
    own = selectors.registration_of(event=event, user=request.user)
    form = None
    if state == "open" and event.is_public and own is None:
        initial = {}
        if request.user.is_authenticated:
            initial = {"name": request.user.get_full_name(), "email": request.user.email}
        if request.method == "POST":
            rate_limit_request(
                request, scope="events-registration", limit=settings.EVENTS_REGISTRATION_RATE, period=3600
            )
            form = RegistrationForm(request.POST, event=event)
            if form.is_valid():
                try:
                    registration, created = services.registration_create(
                        event=event,
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        organisation=form.cleaned_data["organisation"],
                        places=form.cleaned_data["places"],
                        answers=form.answers(),
                        user=request.user,
                        language=get_language() or settings.LANGUAGE_CODE,
                        ip=client_ip(request),
                    )
                except services.RegistrationError as exc:
                    form.add_error(None, exc)
                else:
                    if not created:
                        messages.info(request, _ALREADY_REGISTERED)
                        return redirect(event.get_absolute_url())
                    if registration.status == Registration.Status.CONFIRMED:
                        messages.success(request, _("Thank you! Your place is confirmed; we have sent you an email."))
                    else:
                        messages.info(
                            request,
                            _(
                                "The event is fully booked. You are on the waiting list; "
                                "we will email you if a place frees up."
                            ),
                        )
                    if request.user.is_authenticated:
                        return redirect("events:my_registrations")
                    return redirect(event.get_absolute_url())
        else:
            form = RegistrationForm(event=event, initial=initial)
    elif request.method == "POST":
        if own is not None:
            messages.info(request, _ALREADY_REGISTERED)
        else:
            messages.error(request, _closed_message(state) or _("Registration is not possible."))
        return redirect(event.get_absolute_url())
    return render(
        request,
        "events/event_detail.html",
        {
            **_detail_context(request, event, state=state, places=places),
            "form": form,
            "own_registration": own,
            "json_ld": _json_ld(event),
        },
    )


def _registration_state(event: Event, places: dict | None, user) -> str:
    if places:
        # A full event without a waiting list offers no form (the card says "ausgebucht" as well).
        state = event.registration_state_counted(confirmed=places["confirmed"], waiting=places["waiting"])
        state = "open" if state == "waitlist" else state
    else:
        state = event.registration_state()
    if state == "open" and not services.registration_allowed_for(event=event, user=user):
        state = "members_only"
    return state


def _detail_context(request, event: Event, *, state: str, places: dict | None) -> dict:
    return {
        "event": event,
        "state": state,
        "closed_message": _closed_message(state),
        "places": places,
        "calendar_links": _calendar_links(event),
        "series_webcal_url": _webcal(_feed_url({"series": event.series.slug})) if event.series else "",
        "members_only_blocked": state == "members_only" and not request.user.is_authenticated,
        "content_language": text_language(event, "title"),
    }


def event_preview_context(request, event: Event, *, topics) -> dict:
    """Return the detail page's context for an unsaved event, as a visitor would see it once published."""
    if not event.slug:
        event.slug = "vorschau"  # not typed yet; the page's own links need one
    if event.capacity and event.pk:
        places = selectors.event_places(event=event)
    elif event.capacity:
        places = {"confirmed": 0, "waiting": 0, "free": event.capacity, "capacity": event.capacity}
    else:
        places = None
    if event.start is None or event.end is None:  # dates not (validly) entered yet
        context = {
            "event": event,
            "state": "none",
            "places": places,
            "calendar_links": {},
            "content_language": text_language(event, "title"),
        }
    else:
        context = _detail_context(request, event, state=_registration_state(event, places, request.user), places=places)
    state = context["state"]
    return {
        **context,
        "event": PreviewInstance(event, topics=PreviewRelated(topics)),
        "form": RegistrationForm(event=event) if state == "open" else None,
        "own_registration": None,
    }


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@page_cached(sections=("events",))
@require_GET
def event_ics_download(request, slug: str):
    """The .ics of one event."""
    event = selectors.event_get(slug=slug, preview=staff_can(request.user, "events.view_event"))
    if event is None:
        raise Http404(_("This event does not exist or is not published."))
    return _ics_response(event_ics(event), f"{event.slug}.ics")


@page_cached(sections=("events",))
@require_GET
def event_feed(request):
    """A subscribable calendar of all events, or of one series or topic."""
    series = request.GET.get("series", "")[:200]
    topic = request.GET.get("topic", "")[:100]
    if not all(_SLUG.fullmatch(value) for value in (series, topic) if value):
        raise BadRequest("feed filter is not a slug")  # e.g. a NUL character, which PostgreSQL refuses
    events = selectors.events_for_feed(series=series, topic=topic)
    # Calendar clients poll feeds; rebuild only when an event in it changed (or one came or went).
    version = selectors.events_feed_version(series=series, topic=topic)
    key = "events:feed:" + hashlib.sha256(f"{get_language()}|{series}|{topic}|{version}".encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        content = calendar_build(events, name=_("SWS Digital events"), refresh=timedelta(hours=6))
        cache.set(key, content, settings.EVENTS_FEED_CACHE_SECONDS)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


@require_http_methods(["GET", "POST"])
def registration_detail(request, token: str):
    """A participant's personal page: status, calendar file and the way to cancel."""
    registration = selectors.registration_get_by_token(token=token)
    if registration is None or registration.anonymised_at:
        return render(request, "events/registration_invalid.html", status=404)
    if request.method == "POST":  # the one-step cancel button of pages opened before the question was asked
        return redirect("events:registration_cancel", token=registration.token)
    context = {
        "registration": registration,
        "event": registration.event,
        "waiting_position": selectors.registration_waiting_position(registration=registration),
    }
    return render(request, "events/registration_detail.html", context)


@require_http_methods(["GET", "POST"])
def registration_cancel(request, token: str):
    """Ask once whether to cancel (GET); the button of that page cancels (POST)."""
    registration = selectors.registration_get_by_token(token=token)
    if registration is None or registration.anonymised_at:
        return render(request, "events/registration_invalid.html", status=404)
    event = registration.event
    if event.is_past:
        messages.error(request, _("This event has already taken place."))
        return redirect(registration.get_absolute_url())
    if registration.status == Registration.Status.CANCELLED or event.is_cancelled:
        return redirect(registration.get_absolute_url())
    if request.method == "POST":
        services.registration_cancel(registration=registration)
        messages.success(request, _("Your registration has been cancelled."))
        return redirect(registration.get_absolute_url())
    return render(request, "events/registration_cancel.html", {"registration": registration, "event": event})


@require_GET
def registration_ics(request, token: str):
    """The .ics for a participant, with the online link if confirmed."""
    registration = selectors.registration_get_by_token(token=token)
    if registration is None or registration.anonymised_at:
        return render(request, "events/registration_invalid.html", status=404)
    confirmed = registration.status == Registration.Status.CONFIRMED
    return _ics_response(event_ics(registration.event, with_online_url=confirmed), f"{registration.event.slug}.ics")


@login_required
@require_GET
def my_registrations(request):
    """The logged-in user's registrations."""
    return render(
        request, "events/my_registrations.html", {"registrations": selectors.registrations_of_user(user=request.user)}
    )


@staff_required("events.change_registration")
def checkin(request, token: str):
    """Staff scan a participant's QR code and mark them as attended."""
    registration = selectors.registration_get_by_token(token=token)
    if registration is None:
        return render(request, "events/registration_invalid.html", status=404)
    if request.method == "POST":
        try:
            if services.registration_check_in(registration=registration):
                messages.success(request, _("%(name)s is checked in.") % {"name": registration.name})
            else:
                messages.info(request, _("%(name)s was already checked in.") % {"name": registration.name})
        except services.RegistrationError as exc:
            messages.error(request, exc.messages[0])
        return redirect("events:checkin", token=token)
    return render(request, "events/checkin.html", {"registration": registration, "event": registration.event})
