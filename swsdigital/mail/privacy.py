"""The outbox's personal-data provider: emails to a person, and emails to others that name their address.

Emails to the address are deleted (the row's recipient is the person's data; a queued one is then simply
not sent). Emails to others (the office's notifications) keep their row and status, with subject and
body replaced where they contain the address.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from swsdigital.privacy.providers import erased_marker
from swsdigital.privacy.registry import ANONYMISED, ERASED, Holding, PersonalDataProvider

from .models import InboundMessage, OutboxEmail

MENTION_REASON = _("Emails to others stay in the email log with subject and text removed.")


class OutboxProvider(PersonalDataProvider):
    name = "mail"
    covers = ("mail.OutboxEmail",)
    title = _("Emails to you")
    labels = {
        "emails": _("Emails sent to the address"),
        "subject": _("Subject"),
        "sent_at": _("Sent"),
        "text": _("Text"),
    }
    value_labels = {"status": dict(OutboxEmail.Status.choices)}

    def _to(self, email: str):
        return OutboxEmail.objects.filter(to__iexact=email)

    def _mentioning(self, email: str):
        mention = Q(subject__icontains=email) | Q(body_text__icontains=email) | Q(body_html__icontains=email)
        return OutboxEmail.objects.filter(mention).exclude(to__iexact=email)

    def _holdings(self, to: int, mentioning: int) -> list[Holding]:
        mention = _("emails to others naming the address")
        rows = [
            Holding("mail.outboxemail", _("emails sent to the address"), to, ERASED),
            Holding("mail.outboxemail.mention", mention, mentioning, ANONYMISED, MENTION_REASON),
        ]
        return [row for row in rows if row.count]

    def preview(self, email: str) -> list[Holding]:
        return self._holdings(self._to(email).count(), self._mentioning(email).count())

    def erase(self, email: str) -> list[Holding]:
        marker = erased_marker()
        mentioning = self._mentioning(email).update(
            subject=marker, body_text=marker, body_html="", attachments=[], headers={}
        )
        to, _per_model = self._to(email).delete()
        return self._holdings(to, mentioning)

    def object_refs(self, email: str) -> dict[str, list]:
        return {"mail.OutboxEmail": list(self._to(email).values_list("pk", flat=True))}

    def export(self, email: str) -> dict:
        emails = [
            {
                "subject": m.subject,
                "created_at": m.created_at.isoformat(),
                "status": m.status,
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                "text": m.body_text,
            }
            for m in self._to(email).order_by("created_at", "id")
        ]
        return {"emails": emails} if emails else {}


class InboundProvider(PersonalDataProvider):
    """Bounces and complaints about emails to a person; returned messages of others that quote the address."""

    name = "mail.inbound"
    covers = ("mail.InboundMessage",)
    title = _("Bounces and complaints about emails to you")
    labels = {
        "bounces": _("Bounce messages and complaints"),
        "received_at": _("Received"),
        "kind": _("Kind"),
        "status_code": _("Status code"),
        "reason": _("Reason"),
    }
    value_labels = {"kind": dict(InboundMessage.Kind.choices)}

    def _about(self, email: str):
        return InboundMessage.objects.filter(address__iexact=email)

    def _mentioning(self, email: str):
        mention = Q(raw__icontains=email) | Q(diagnostic__icontains=email) | Q(subject__icontains=email)
        return InboundMessage.objects.filter(mention).exclude(address__iexact=email)

    def _holdings(self, about: int, mentioning: int) -> list[Holding]:
        rows = [
            Holding("mail.inboundmessage", _("bounces and complaints about the address"), about, ERASED),
            Holding(
                "mail.inboundmessage.mention",
                _("returned messages of others naming the address"),
                mentioning,
                ANONYMISED,
                _("The record stays with the returned message, reason and subject removed."),
            ),
        ]
        return [row for row in rows if row.count]

    def preview(self, email: str) -> list[Holding]:
        return self._holdings(self._about(email).count(), self._mentioning(email).count())

    def erase(self, email: str) -> list[Holding]:
        mentioning = self._mentioning(email).update(raw="", diagnostic="", subject=erased_marker())
        about, _per_model = self._about(email).delete()
        return self._holdings(about, mentioning)

    def object_refs(self, email: str) -> dict[str, list]:
        return {"mail.InboundMessage": list(self._about(email).values_list("pk", flat=True))}

    def export(self, email: str) -> dict:
        rows = [
            {
                "received_at": r.received_at.isoformat(),
                "kind": r.kind,
                "status_code": r.status_code,
                "reason": r.diagnostic,
            }
            for r in self._about(email).order_by("received_at", "id")
        ]
        return {"bounces": rows} if rows else {}
