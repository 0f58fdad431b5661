"""The event calendar's personal-data provider: registrations and events' contact persons.

Registered with swsdigital.privacy from EventsConfig.ready(); erasure anonymises registrations exactly
as the anonymisation after the event does (events.services), so counts and check-ins stay.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from swsdigital.privacy.registry import ANONYMISED, Holding, PersonalDataProvider

from . import services
from .models import Event, Registration

REGISTRATION_REASON = _(
    "Places and attendance stay for the event's figures; name, address, organisation and answers are removed."
)
CONTACT_REASON = _("The event stays; the person is removed as its contact.")


class EventsProvider(PersonalDataProvider):
    name = "events"
    covers = ("events.Registration", "events.Event")
    title = _("Events")
    labels = {
        "registrations": _("Event registrations"),
        "event": _("Event"),
        "event_start": _("Begins"),
        "organisation": _("Organisation"),
        "places": _("Places"),
        "answers": _("Answers"),
        "registered_at": _("Registered"),
        "cancelled_at": _("Cancelled"),
        "checked_in_at": _("Checked in"),
        "contact_of_events": _("Named as contact of events"),
        "contact_name": _("Contact name"),
        "contact_email": _("Contact email"),
    }
    value_labels = {"status": dict(Registration.Status.choices)}

    def _registrations(self, email: str):
        return Registration.objects.filter(email__iexact=email, anonymised_at__isnull=True)

    def _events(self, email: str):
        return Event.objects.filter(contact_email__iexact=email)

    def _holdings(self, registrations: int, events: int) -> list[Holding]:
        contact = _("events naming the person as contact")
        rows = [
            Holding("events.registration", _("event registrations"), registrations, ANONYMISED, REGISTRATION_REASON),
            Holding("events.event.contact", contact, events, ANONYMISED, CONTACT_REASON),
        ]
        return [row for row in rows if row.count]

    def preview(self, email: str) -> list[Holding]:
        return self._holdings(self._registrations(email).count(), self._events(email).count())

    def erase(self, email: str) -> list[Holding]:
        registrations = services.registrations_anonymise_for_email(email=email)
        events = 0
        for event in self._events(email):
            # Saved one by one, so the page cache forgets the pages that showed the contact.
            event.contact_name = event.contact_email = ""
            event.save(update_fields=["contact_name", "contact_email"])
            events += 1
        return self._holdings(registrations, events)

    def object_refs(self, email: str) -> dict[str, list]:
        return {"events.Registration": list(self._registrations(email).values_list("pk", flat=True))}

    def export(self, email: str) -> dict:
        registrations = [
            {
                "event": r.event.title,
                "event_start": r.event.start.isoformat(),
                "name": r.name,
                "email": r.email,
                "organisation": r.organisation,
                "places": r.places,
                "answers": r.answers,
                "language": r.language,
                "status": r.status,
                "registered_at": r.created_at.isoformat(),
                "confirmed_at": r.confirmed_at.isoformat() if r.confirmed_at else None,
                "cancelled_at": r.cancelled_at.isoformat() if r.cancelled_at else None,
                "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
            }
            for r in self._registrations(email).select_related("event")
        ]
        contact_of = [
            {"event": e.title, "contact_name": e.contact_name, "contact_email": e.contact_email}
            for e in self._events(email)
        ]
        data = {"registrations": registrations, "contact_of_events": contact_of}
        return data if any(data.values()) else {}
