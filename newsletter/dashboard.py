"""The newsletter's panels on the admin start page: mailings on their way, recent bounces."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from swsdigital.core.dashboard import Content, Panel, Row, Tile, dashboard_register

from .models import Delivery, Mailing, Subscriber

DONE = (Delivery.Status.SENT, Delivery.Status.FAILED, Delivery.Status.SKIPPED)


def _mailings(user) -> Content:
    active = list(
        Mailing.objects.filter(status__in=(Mailing.Status.SENDING, Mailing.Status.PAUSED, Mailing.Status.SCHEDULED))
        .annotate(total=Count("deliveries"), done=Count("deliveries", filter=Q(deliveries__status__in=DONE)))
        .order_by("scheduled_at", "pk")[:8]
    )
    rows = [
        Row(
            m.subject,
            reverse("admin:newsletter_mailing_change", args=[m.pk]),
            (m.get_status_display(), f"{m.done}/{m.total}"),
            progress=round(m.done * 100 / m.total) if m.total else 0,
        )
        for m in active
    ]
    content = Content(rows=rows, columns=(_("Mailing"), _("Status"), _("Sent"), _("Progress")),
                      empty=_("No mailing is on its way."))  # fmt: skip
    if user.has_perm("newsletter.view_subscriber"):
        bounced = Subscriber.objects.filter(bounced_at__gte=timezone.now() - timedelta(days=30)).count()
        if bounced:
            content.tiles.append(
                Tile(
                    _("addresses bounced in the last 30 days"),
                    str(bounced),
                    reverse("admin:newsletter_subscriber_changelist") + "?status__exact=bounced",
                    tone="warning",
                )
            )
    return content


def register() -> None:
    dashboard_register(
        Panel("newsletter", gettext_lazy("Newsletter"), "newsletter.view_mailing", _mailings, position=30)
    )
