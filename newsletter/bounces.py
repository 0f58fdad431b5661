"""The newsletter's side of the bounce mailbox: a delivery's token names its subscriber."""

from django.urls import reverse

from swsdigital.mail.inbound import Concern, TargetHandler

from .models import Delivery


class DeliveryHandler(TargetHandler):
    """A bounce of a newsletter delivery marks the subscriber; a complaint unsubscribes them."""

    def resolve(self, pk: int) -> Concern | None:
        row = Delivery.objects.filter(pk=pk).values_list("subscriber_id", "subscriber__email").first()
        return Concern(address=row[1], subscriber_id=row[0]) if row else None

    def bounced(self, concern: Concern, *, pk: int, reason: str) -> str:
        from .services.bounces import subscriber_bounce_mark

        changed = subscriber_bounce_mark(subscriber_id=concern.subscriber_id, reason=reason)
        return "subscriber marked bounced" if changed else "subscriber already off the list"

    def complained(self, concern: Concern, *, pk: int) -> str:
        from .services.bounces import subscriber_complaint

        changed = subscriber_complaint(subscriber_id=concern.subscriber_id)
        return "subscriber unsubscribed (complaint)" if changed else "subscriber already unsubscribed"

    def admin_url(self, record) -> str:
        if not record.subscriber_id:
            return ""
        return reverse("admin:newsletter_subscriber_change", args=[record.subscriber_id])
