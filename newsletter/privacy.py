"""The newsletter's personal-data provider: subscribers with their deliveries, applicants' newsletter wishes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from swsdigital.privacy.registry import ERASED, Holding, PersonalDataProvider

from .models import Delivery, MembershipOptin, Subscriber


def _iso(value):
    return value.isoformat() if value else None


class NewsletterProvider(PersonalDataProvider):
    name = "newsletter"
    covers = ("newsletter.Subscriber", "newsletter.Delivery", "newsletter.MembershipOptin")
    title = _("Newsletter")
    labels = {
        "subscriptions": _("Newsletter subscriptions"),
        "topics": _("Topics"),
        "signed_up_at": _("Signed up"),
        "unsubscribed_at": _("Unsubscribed"),
        "bounced_at": _("Undeliverable since"),
        "deliveries": _("Newsletters sent"),
        "mailing": _("Newsletter"),
        "sent_at": _("Sent"),
        "newsletter_wishes": _("Newsletter wishes from membership applications"),
        "application_confirmed_at": _("Application confirmed"),
        "outcome": _("Outcome"),
    }
    value_labels = {
        "status": {**dict(Delivery.Status.choices), **dict(Subscriber.Status.choices)},
        "outcome": dict(MembershipOptin.Outcome.choices),
    }

    def _subscribers(self, email: str):
        return Subscriber.objects.filter(email__iexact=email)

    def _counts(self, email: str) -> tuple[int, int, int]:
        return (
            self._subscribers(email).count(),
            Delivery.objects.filter(subscriber__in=self._subscribers(email)).count(),
            MembershipOptin.objects.filter(email__iexact=email).count(),
        )

    def _holdings(self, subscribers: int, deliveries: int, optins: int) -> list[Holding]:
        rows = [
            Holding("newsletter.subscriber", _("newsletter subscriptions"), subscribers, ERASED),
            Holding("newsletter.delivery", _("newsletter deliveries"), deliveries, ERASED),
            Holding("newsletter.membershipoptin", _("newsletter wishes from applications"), optins, ERASED),
        ]
        return [row for row in rows if row.count]

    def preview(self, email: str) -> list[Holding]:
        return self._holdings(*self._counts(email))

    def erase(self, email: str) -> list[Holding]:
        counts = self._counts(email)
        # Deliveries go with the subscriber (CASCADE); the mailing's totals are counted from what is left.
        self._subscribers(email).delete()
        MembershipOptin.objects.filter(email__iexact=email).delete()
        return self._holdings(*counts)

    def object_refs(self, email: str) -> dict[str, list]:
        return {"newsletter.Subscriber": list(self._subscribers(email).values_list("pk", flat=True))}

    def export(self, email: str) -> dict:
        subscribers = [
            {
                "email": s.email,
                "name": s.name,
                "language": s.language,
                "status": s.status,
                "topics": [t.name_de for t in s.topics.all()],
                "source": s.source,
                "signed_up_at": _iso(s.created_at),
                "confirmed_at": _iso(s.confirmed_at),
                "unsubscribed_at": _iso(s.unsubscribed_at),
                "bounced_at": _iso(s.bounced_at),
                "deliveries": [
                    {"mailing": d.mailing.subject, "status": d.status, "sent_at": _iso(d.sent_at)}
                    for d in s.deliveries.select_related("mailing")
                ],
            }
            for s in self._subscribers(email).prefetch_related("topics")
        ]
        optins = [
            {"application_confirmed_at": _iso(o.application_confirmed_at), "outcome": o.outcome}
            for o in MembershipOptin.objects.filter(email__iexact=email)
        ]
        data = {"subscriptions": subscribers, "newsletter_wishes": optins}
        return data if any(data.values()) else {}
