from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from .dashboard import register as dashboard_panels

        dashboard_panels()  # the admin start page's panels of this app
        from swsdigital.core.pagecache import page_cache_boundary, page_cache_watch
        from swsdigital.privacy.audit import audit_register
        from swsdigital.privacy.registry import not_personal, register

        from . import selectors
        from .privacy import EventsProvider
        from .retention import register_rules

        register(EventsProvider())
        register_rules()
        # Staff changes of participants, and of an event's contact person (the rest of an event is not personal).
        audit_register(self.get_model("Registration"), plain=("language", "status"))
        audit_register(self.get_model("Event"), only=("contact_name", "contact_email"))
        not_personal(
            {
                "events.Series": "a series' title",
                "events.Topic": "a topic's name",
                "events.Venue": "a place's name and address",
            }
        )

        # Free places and waiting lists are their own section: a registration leaves pages that only name an
        # event (press items, the sitemap, the newsletter archive, calendar files) cached.
        registration = self.get_model("Registration")
        page_cache_watch(*(model for model in self.get_models() if model is not registration), sections="events")
        page_cache_watch(registration, sections="registrations")
        page_cache_boundary(selectors.events_next_change, sections="events")
