"""The treasurer's panel on the admin start page: open invoices, overdue ones, payments to confirm."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from swsdigital.core.dashboard import Content, Panel, Tile, dashboard_register
from swsdigital.core.money import money_format

from .models import Invoice, Payment


def _fees(user) -> Content:
    today = timezone.localdate()
    invoices = Invoice.objects.filter(kind=Invoice.Kind.INVOICE, status=Invoice.Status.OPEN).aggregate(
        count=Count("pk"), total=Sum("amount"), overdue=Count("pk", filter=Q(due_date__lt=today))
    )
    url = reverse("admin:fees_invoice_changelist")
    content = Content(empty=_("No invoice is open."))
    if invoices["count"]:
        content.tiles.append(
            Tile(
                _("open invoices"), str(invoices["count"]), url + "?status__exact=open", money_format(invoices["total"])
            )
        )
    if invoices["overdue"]:
        content.tiles.append(Tile(_("overdue"), str(invoices["overdue"]), url + "?overdue=all", tone="danger"))
    proposed = Payment.objects.filter(state=Payment.State.PROPOSED).count()
    if proposed:
        url = reverse("admin:fees_payment_changelist") + "?state__exact=proposed"
        content.tiles.append(Tile(_("payments to confirm"), str(proposed), url, tone="warning"))
    return content


def register() -> None:
    dashboard_register(Panel("fees", gettext_lazy("Membership fees"), "fees.view_invoice", _fees, position=15))
