"""The "not delivered" line on the admin pages of the records an email was about (application, registration, user)."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from .selectors import emails_not_delivered

LABEL = _("emails not delivered")


def not_delivered_html(*addresses: str) -> str:
    """A list of the bounced emails to these addresses (date, subject, reason, link to the email log), or "–".

    The outbox row knows only its recipient, so the link is the address: staff see every bounced email to
    the person's address, which is what they need to call them.
    """
    emails = emails_not_delivered(addresses=addresses)
    if not emails:
        return "–"
    rows = (
        (
            _("not delivered"),
            date_format(localtime(e.bounced_at), "SHORT_DATETIME_FORMAT"),
            reverse("admin:mail_outboxemail_change", args=[e.pk]),
            e.subject,
            e.to,
            e.bounce_reason,
        )
        for e in emails
    )
    items = format_html_join(
        mark_safe(""),
        '<li><strong class="text-danger">{}</strong> {}: <a href="{}">{}</a> → {}<br><small>{}</small></li>',
        rows,
    )
    return format_html('<ul class="not-delivered">{}</ul>', items)
