"""Membership applicants who ticked the newsletter box: each gets the normal double opt-in, once."""

from django.db import transaction
from django.db.models import Max

from members.selectors import applications_newsletter_optins

from ..models import MembershipOptin, Subscriber
from .subscriptions import subscriber_subscribe

MEMBERSHIP_SOURCE = "membership application"


def subscribers_invite_from_applications(*, since=None) -> int:
    """Start the double opt-in for each new applicant's newsletter wish; return how many were invited.

    Every address is handled once (remembered in MembershipOptin); an address already on the list
    in any state (pending, subscribed, unsubscribed, bounced) gets no mail.
    """
    if since is None:
        since = MembershipOptin.objects.aggregate(last=Max("application_confirmed_at"))["last"]
    invited = 0
    for row in applications_newsletter_optins(since=since):
        email = row["email"].strip().lower()
        with transaction.atomic():
            optin, created = MembershipOptin.objects.get_or_create(
                email=email,
                defaults={"application_confirmed_at": row["confirmed_at"], "outcome": MembershipOptin.Outcome.KNOWN},
            )
            if not created or Subscriber.objects.filter(email=email).exists():
                continue
            subscriber_subscribe(email=email, language=row["language"] or "de", source=MEMBERSHIP_SOURCE)
            optin.outcome = MembershipOptin.Outcome.INVITED
            optin.save(update_fields=["outcome"])
            invited += 1
    return invited
