"""The event calendar's retention rule (registered from EventsConfig.ready(); the service does the work)."""

from django.utils.translation import gettext_lazy as _

from swsdigital.privacy.retention import RetentionRule, register


def _participants(*, now) -> int:
    from .services import registrations_anonymise

    return registrations_anonymise(now=now)


def register_rules() -> None:
    """Register the rule for participants' details after their event."""
    register(
        RetentionRule(
            name="events.participants",
            period="event_participants",
            data=_("Participants' details of an event (name, email, organisation, answers)"),
            since=_("%(period)s after the event"),
            outcome=_("anonymised; only the number of participants stays"),
            apply=_participants,
        )
    )
