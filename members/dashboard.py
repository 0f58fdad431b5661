"""The members app's panels on the admin start page: decisions waiting, resignations, the figures."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from swsdigital.core.dashboard import Bar, Content, Panel, Tile, dashboard_register

from .models import Member, MembershipApplication, Region


def _waiting(user) -> Content:
    content = Content(empty=_("No application or resignation is waiting."))
    applications = MembershipApplication.objects.filter(status=MembershipApplication.Status.SUBMITTED).aggregate(
        count=Count("pk"), oldest=Min("confirmed_at")
    )
    if applications["count"]:
        days = (timezone.now() - applications["oldest"]).days if applications["oldest"] else 0
        content.tiles.append(
            Tile(
                _("applications awaiting a decision"),
                str(applications["count"]),
                reverse("admin:members_membershipapplication_changelist") + "?status__exact=submitted",
                ngettext("the oldest for %(days)d day", "the oldest for %(days)d days", days) % {"days": days},
                "danger" if days > 14 else "warning",
            )
        )
    resignations = Member.objects.filter(
        resignation_requested_at__isnull=False, resignation_confirmed_at__isnull=True
    ).count()
    if resignations and user.has_perm("members.view_member"):
        content.tiles.append(
            Tile(
                _("resignations to confirm"),
                str(resignations),
                reverse("admin:members_member_changelist") + "?resignation=to_confirm",
                tone="warning",
            )
        )
    return content


def _by_region(user) -> Content:
    labels = dict(Region.choices)
    rows = Member.objects.filter(status=Member.Status.ACTIVE).values("region").annotate(n=Count("pk")).order_by("-n")
    url = reverse("admin:members_member_changelist")
    return Content(
        bars=[
            Bar(str(labels.get(r["region"], r["region"])), r["n"], f"{url}?region__exact={r['region']}") for r in rows
        ]
    )


def _per_year(user) -> Content:
    rows = (
        Member.objects.annotate(year=ExtractYear("joined_on"))
        .values("year")
        .annotate(n=Count("pk"), ended=Count("pk", filter=Q(status=Member.Status.ENDED)))
        .order_by("-year")[:10]
    )
    return Content(bars=[Bar(str(r["year"]), r["n"]) for r in reversed(list(rows))])


def register() -> None:
    dashboard_register(Panel("members-waiting", gettext_lazy("Membership: waiting for you"),
                             "members.view_membershipapplication", _waiting, position=10))  # fmt: skip
    dashboard_register(Panel("members-regions", gettext_lazy("Members by region"), "members.view_member",
                             _by_region, position=60))  # fmt: skip
    dashboard_register(Panel("members-years", gettext_lazy("New members per year"), "members.view_member",
                             _per_year, position=61))  # fmt: skip
