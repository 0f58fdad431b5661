"""The press section's tile on the admin start page: scheduled publications (embargoes), drafts, items without
English text (those marked German only not counted)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from swsdigital.core.admin_translation import english_missing
from swsdigital.core.dashboard import Content, Panel, Tile, dashboard_register

from .models import NewsItem


def _press(user) -> Content:
    now = timezone.now()
    counts = NewsItem.objects.aggregate(
        scheduled=Count("pk", filter=Q(status=NewsItem.Status.PUBLISHED, published_at__gt=now)),
        drafts=Count("pk", filter=Q(status=NewsItem.Status.DRAFT)),
        no_english=Count("pk", filter=english_missing("title", german_only=True)),
    )
    url = reverse("admin:news_newsitem_changelist")
    content = Content(empty=_("No press item is scheduled or in draft."))
    if counts["scheduled"]:
        content.tiles.append(Tile(_("scheduled publications (embargo)"), str(counts["scheduled"]), url))
    if counts["drafts"]:
        content.tiles.append(Tile(_("drafts"), str(counts["drafts"]), url + "?status__exact=draft"))
    if counts["no_english"]:
        content.tiles.append(
            Tile(_("press items without English text"), str(counts["no_english"]), url + "?english=missing")
        )
    return content


def register() -> None:
    dashboard_register(Panel("press", gettext_lazy("Press"), "news.view_newsitem", _press, position=25))
