"""The events app's panels on the admin start page: the next two weeks, what events lack, registrations."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from swsdigital.core.admin_translation import english_missing
from swsdigital.core.dashboard import Bar, Content, Panel, Row, Tile, dashboard_register

from .models import Event, Registration


def _next(user) -> Content:
    now = timezone.now()
    confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
    events = (
        Event.objects.filter(start__gte=now, start__lt=now + timedelta(days=14))
        .exclude(status=Event.Status.CANCELLED)
        .annotate(
            places=Sum("registrations__places", filter=confirmed),
            waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
        )
        .order_by("start")[:10]
    )
    rows = [
        Row(
            e.title,
            reverse("admin:events_event_change", args=[e.pk]),
            (
                formats.date_format(timezone.localtime(e.start), "SHORT_DATETIME_FORMAT"),
                f"{e.places or 0}/{e.capacity}" if e.capacity else str(e.places or 0),
                str(e.waiting),
            ),
        )
        for e in events
    ]
    return Content(
        rows=rows,
        columns=(_("Event"), _("Begins"), _("Registered / places"), _("Waiting list")),
        empty=_("No event in the next 14 days."),
    )


def _lacking(user) -> Content:
    now = timezone.now()
    upcoming = Event.objects.filter(start__gte=now).exclude(status=Event.Status.CANCELLED)
    counts = upcoming.aggregate(
        no_image=Count("pk", filter=Q(image="")),
        no_alt=Count("pk", filter=~Q(image="") & Q(image_alt="")),
        no_place=Count("pk", filter=Q(venue__isnull=True, format__in=[Event.Format.IN_PERSON, Event.Format.HYBRID])),
        scheduled=Count("pk", filter=Q(publish_at__gt=now)),
        drafts=Count("pk", filter=Q(status=Event.Status.DRAFT)),
        no_english=Count("pk", filter=english_missing("title", german_only=True)),
    )
    url = reverse("admin:events_event_changelist")
    content = Content(empty=_("Every coming event has an image, alt text and a place."))
    for key, label, tone, query in (
        ("no_image", _("coming events without an image"), "warning", ""),
        ("no_alt", _("images without alt text"), "danger", ""),
        ("no_place", _("events on site without a venue"), "danger", ""),
        ("drafts", _("drafts of coming events"), "", "?status__exact=draft"),
        ("scheduled", _("scheduled publications"), "", ""),
        ("no_english", _("coming events without English text"), "", "?english=missing"),
    ):
        if counts[key]:
            content.tiles.append(Tile(label, str(counts[key]), url + query, tone=tone))
    return content


def _registrations(user) -> Content:
    since = (timezone.localdate().replace(day=1) - timedelta(days=335)).replace(day=1)
    rows = (
        Registration.objects.filter(created_at__date__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return Content(
        bars=[Bar(formats.date_format(r["month"], "YEAR_MONTH_FORMAT"), r["n"]) for r in rows],
        empty=_("No registrations in the last 12 months."),
    )


def register() -> None:
    dashboard_register(Panel("events-next", gettext_lazy("The next 14 days"), "events.view_event", _next, position=20))
    dashboard_register(Panel("events-lacking", gettext_lazy("Events: what is missing"), "events.view_event",
                             _lacking, position=21))  # fmt: skip
    dashboard_register(Panel("events-registrations", gettext_lazy("Registrations per month"),
                             "events.view_registration", _registrations, position=62))  # fmt: skip
