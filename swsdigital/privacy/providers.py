"""Privacy's own providers: consent records, the admin's log, the audit trail; declarations for Django's own models."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, TextField
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .audit import fingerprint_digests
from .models import Consent
from .registry import ANONYMISED, Holding, PersonalDataProvider, not_personal, providers, register


def erased_marker() -> str:
    """Return the text that stands where a person's name or address was (in the office's language)."""
    with override(settings.LANGUAGE_CODE):
        return str(_("[erased]"))


class ConsentProvider(PersonalDataProvider):
    """Consents are anonymised, not deleted: the proof that a text version was agreed (and when) stays,
    the address, account link, IP addresses and reference go, and an active consent counts as withdrawn."""

    name = "privacy"
    covers = ("privacy.Consent",)
    title = _("Consents")
    labels = {
        "key": _("Consent to"),
        "version": _("Version of the text"),
        "text_de": _("Text (German)"),
        "text_en": _("Text (English)"),
        "given_at": _("Given"),
        "given_ip": _("IP address (given)"),
        "confirmed_ip": _("IP address (confirmed)"),
        "withdrawn_at": _("Withdrawn"),
        "withdrawn_reason": _("Withdrawn because"),
    }
    value_labels = {
        "key": {
            "statutes": _("Statutes"),
            "privacy": _("Privacy notice"),
            "directory": _("Member directory"),
            "newsletter": _("Newsletter"),
            "event_registration": _("Event registration"),
        }
    }

    def _consents(self, email: str):
        return Consent.objects.filter(email=email)

    def export(self, email: str) -> list:
        return [
            {
                "key": c.text.key,
                "version": c.text.version,
                "text_de": c.text.text_de,
                "text_en": c.text.text_en,
                "source": c.source,
                "given_at": c.given_at.isoformat(),
                "given_ip": c.given_ip,
                "confirmed_at": c.confirmed_at.isoformat() if c.confirmed_at else None,
                "confirmed_ip": c.confirmed_ip,
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
                "withdrawn_reason": c.get_withdrawn_reason_display() if c.withdrawn_reason else "",
            }
            for c in self._consents(email).select_related("text")
        ]

    def _holding(self, count: int) -> list[Holding]:
        reason = _("The record that a consent text was agreed, and when, is kept without address or IP.")
        return [Holding("privacy.consent", _("consents"), count, ANONYMISED, reason)] if count else []

    def preview(self, email: str) -> list[Holding]:
        return self._holding(self._consents(email).count())

    def erase(self, email: str) -> list[Holding]:
        count = self._consents(email).update(
            email="",
            user=None,
            subject_ref="",
            given_ip=None,
            confirmed_ip=None,
            withdrawn_at=Coalesce("withdrawn_at", timezone.now()),
        )
        return self._holding(count)


class AdminLogProvider(PersonalDataProvider):
    """The admin's log names objects as they were: entries naming the address, or about an object another
    provider holds for the person, get their description and message replaced; who acted and when stay."""

    name = "admin"
    covers = ("admin.LogEntry",)
    title = _("Changes by the office")
    labels = {"action_time": _("When"), "object": _("Record")}
    erase_first = True

    def _entries(self, email: str):
        from django.contrib.admin.models import LogEntry
        from django.contrib.contenttypes.models import ContentType

        query = Q(object_repr__icontains=email) | Q(change_message__icontains=email)
        for provider in providers():
            for label, pks in provider.object_refs(email).items():
                if pks:
                    app_label, model = label.split(".")
                    content_type = ContentType.objects.get_by_natural_key(app_label, model.lower())
                    query |= Q(content_type=content_type, object_id__in=[str(pk) for pk in pks])
        return LogEntry.objects.filter(query)

    def export(self, email: str) -> list:
        # The person's own data as the log describes it; the staff who acted are not theirs to receive.
        return [
            {"action_time": e.action_time.isoformat(), "object": e.object_repr}
            for e in self._entries(email).order_by("action_time")
        ]

    def _holding(self, count: int) -> list[Holding]:
        reason = _("Who changed what and when stays in the log; the person's name and address are removed.")
        return [Holding("admin.logentry", _("admin log entries"), count, ANONYMISED, reason)] if count else []

    def preview(self, email: str) -> list[Holding]:
        return self._holding(self._entries(email).count())

    def erase(self, email: str) -> list[Holding]:
        marker = erased_marker()
        count = self._entries(email).update(object_repr=marker, change_message="")
        return self._holding(count)


AUDIT_ACTIONS = {0: "create", 1: "update", 2: "delete", 3: "access"}  # auditlog's LogEntry.Action


def _refs_by_content_type(email: str) -> dict[int, set[str]]:
    """Return the primary keys (as text) of the rows the providers hold about ``email``, by content type id."""
    refs: dict[int, set[str]] = {}
    for provider in providers():
        for label, pks in provider.object_refs(email).items():
            if pks:
                app_label, model = label.split(".")
                content_type = ContentType.objects.get_by_natural_key(app_label, model.lower())
                refs.setdefault(content_type.pk, set()).update(str(pk) for pk in pks)
    return refs


class AuditTrailProvider(PersonalDataProvider):
    """The audit trail keeps who did what and when. Entries about the person's records lose the description,
    the fingerprints of the values and the address; entries the person made lose the person (and address)."""

    name = "audit"
    covers = ("auditlog.LogEntry",)
    erase_first = True  # it finds entries by the objects the other providers still hold
    title = _("Audit trail")
    labels = {
        "entries_about_records": _("Entries about your records"),
        "own_actions": _("Your own actions"),
        "time": _("When"),
        "action": _("Action"),
        "record": _("Record"),
        "fields": _("Fields changed"),
        "kind": _("Kind"),
    }
    value_labels = {
        "action": {"create": _("created"), "update": _("changed"), "delete": _("deleted"), "access": _("viewed")},
        "kind": {
            "change": _("changes to records"),
            "export": _("export"),
            "bank_data_viewed": _("bank data viewed"),
            "bank_data_changed": _("bank data changed"),
            "erasure": _("erasure"),
        },
    }

    def _about(self, email: str) -> Q:
        from auditlog.models import LogEntry

        refs = _refs_by_content_type(email)
        # Records deleted before the erasure: their create or delete entry holds the address's fingerprint.
        # Searched as text (JSON is stored differently on every backend), on the hex part only.
        as_text = LogEntry.objects.annotate(changes_as_text=Cast("changes", TextField()))
        for digest in fingerprint_digests(email):
            for content_type_id, object_pk in as_text.filter(changes_as_text__contains=digest).values_list(
                "content_type_id", "object_pk"
            ):
                refs.setdefault(content_type_id, set()).add(object_pk)
        query = Q(object_repr__icontains=email)
        for content_type_id, pks in refs.items():
            query |= Q(content_type_id=content_type_id, object_pk__in=sorted(pks))
        return query

    def _by(self, email: str) -> Q:
        accounts = _refs_by_content_type(email).get(self._user_content_type().pk, set())
        # An account deleted earlier left the entry without actor but with the address it had.
        return Q(actor_id__in=sorted(accounts)) | Q(actor__isnull=True, actor_email__iexact=email)

    def _user_content_type(self):
        app_label, model = settings.AUTH_USER_MODEL.split(".")
        return ContentType.objects.get_by_natural_key(app_label, model.lower())

    def _entries(self, email: str):
        from auditlog.models import LogEntry

        about, by = self._about(email), self._by(email)
        return LogEntry.objects.filter(about), LogEntry.objects.filter(by).exclude(about)

    def export(self, email: str) -> dict:
        about, by = self._entries(email)
        data = {
            # What was done to the person's records; who did it is the staff's data, not theirs.
            "entries_about_records": [
                {
                    "time": e.timestamp.isoformat(),
                    "action": AUDIT_ACTIONS.get(e.action, str(e.action)),
                    "record": e.object_repr,
                    "fields": sorted(e.changes or {}),
                }
                for e in about.order_by("timestamp", "pk")
            ],
            # What the person did (their exports, say); the records' descriptions may name others, so not those.
            "own_actions": [
                {
                    "time": e.timestamp.isoformat(),
                    "action": AUDIT_ACTIONS.get(e.action, str(e.action)),
                    "kind": (e.additional_data or {}).get("event", "change"),
                }
                for e in by.order_by("timestamp", "pk")
            ],
        }
        return data if any(data.values()) else {}

    def _holdings(self, about: int, by: int) -> list[Holding]:
        about_reason = _(
            "Who did what and when stays in the audit trail; the description of the record, the fingerprints of "
            "its values and the IP address are removed."
        )
        by_reason = _("The entries stay; the person is no longer named as the one who acted, nor their IP address.")
        rows = [
            Holding("auditlog.logentry", _("audit entries"), about, ANONYMISED, about_reason),
            Holding("auditlog.logentry.actor", _("audit entries made by the person"), by, ANONYMISED, by_reason),
        ]
        return [row for row in rows if row.count]

    def preview(self, email: str) -> list[Holding]:
        about, by = self._entries(email)
        return self._holdings(about.count(), by.count())

    def erase(self, email: str) -> list[Holding]:
        from auditlog.models import LogEntry

        about, by = self._entries(email)
        by_count = by.count()
        marker = erased_marker()
        entries = list(about.only("pk", "changes"))
        for entry in entries:
            entry.object_repr = marker
            # Which fields changed stays; their fingerprints go.
            entry.changes = {field: [marker, marker] for field in entry.changes} if entry.changes else None
            entry.changes_text = ""
            entry.serialized_data = None
            entry.remote_addr = entry.remote_port = None
        fields = ["object_repr", "changes", "changes_text", "serialized_data", "remote_addr", "remote_port"]
        LogEntry.objects.bulk_update(entries, fields, batch_size=500)
        # Their own actions, including those on their own records (left out of the count above).
        anonymous = {"actor": None, "actor_email": None, "remote_addr": None, "remote_port": None}
        LogEntry.objects.filter(self._by(email)).update(**anonymous)
        return self._holdings(len(entries), by_count)


def register_providers() -> None:
    """Register privacy's own providers and declare Django's models that hold no personal data."""
    register(ConsentProvider())
    register(AdminLogProvider())
    register(AuditTrailProvider())
    not_personal(
        {
            "auth.Group": "a staff role's name",
            "auth.Permission": "a permission's description",
        }
    )
