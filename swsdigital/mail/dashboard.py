"""The email log's tile on the admin start page: emails that could not be delivered."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from swsdigital.core.dashboard import Content, Panel, Tile, dashboard_register

from .models import OutboxEmail


def _failed(user) -> Content:
    failed = OutboxEmail.objects.filter(
        status=OutboxEmail.Status.FAILED, created_at__gte=timezone.now() - timedelta(days=30)
    ).count()
    content = Content(empty=_("Every email of the last 30 days went out."))
    if failed:
        url = reverse("admin:mail_outboxemail_changelist") + "?status__exact=failed"
        content.tiles.append(Tile(_("emails failed in the last 30 days"), str(failed), url, tone="danger"))
    return content


def register() -> None:
    dashboard_register(Panel("mail", gettext_lazy("Email"), "mail.view_outboxemail", _failed, position=40))
