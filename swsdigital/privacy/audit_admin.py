"""The audit trail in the admin: the privacy contact browses and filters it; nobody adds, changes or deletes.

auditlog's own LogEntryAdmin is replaced (unregistered, this subclass registered) for three reasons: it lets
superusers delete entries, it offers Django's "delete selected" action, and its labels have no German.
"""

from auditlog.admin import LogEntryAdmin as AuditlogLogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from swsdigital.core.admin_paging import LargeTableAdminMixin
from swsdigital.core.changelist import SafeChangeListMixin

from . import audit

# auditlog's app name and its entries' titles (its catalog has no German; ours translates them).
gettext_noop("Audit log")
gettext_noop("Created {repr:s}")
gettext_noop("Updated {repr:s}")
gettext_noop("Deleted {repr:s}")
gettext_noop("Logged {repr:s}")

ACTION_LABELS = {
    audit.Action.CREATE: _("created"),
    audit.Action.UPDATE: _("changed"),
    audit.Action.DELETE: _("deleted"),
    audit.Action.ACCESS: _("viewed or exported"),
}
EVENT_LABELS = {
    audit.EXPORT: _("export"),
    audit.BANK_DATA_VIEWED: _("bank data viewed"),
    audit.BANK_DATA_CHANGED: _("bank data changed"),
    audit.ERASURE: _("erasure"),
    audit.BOOKING: _("booking"),
}
CHANGES = "changes"  # the event filter's value for auditlog's own entries: records created, changed, deleted


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "what"

    def lookups(self, request, model_admin):
        return [(str(value), label) for value, label in ACTION_LABELS.items()]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        wanted = [action for action in ACTION_LABELS if str(action) == self.value()]
        return queryset.filter(action__in=wanted)  # an unknown value finds nothing


class EventFilter(admin.SimpleListFilter):
    title = _("kind of entry")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return [(CHANGES, _("changes to records")), *EVENT_LABELS.items()]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() == CHANGES:
            return queryset.filter(additional_data__isnull=True)
        if self.value() in EVENT_LABELS:
            return queryset.filter(additional_data__event=self.value())
        return queryset.none()


class RecordTypeFilter(admin.RelatedOnlyFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("record type")


class ActorFilter(admin.RelatedOnlyFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("account")


def _field_label(entry: LogEntry, name: str) -> str:
    model = entry.content_type.model_class()
    try:
        return str(capfirst(model._meta.get_field(name).verbose_name)) if model else name
    except FieldDoesNotExist:
        return name


if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditLogEntryAdmin(LargeTableAdminMixin, SafeChangeListMixin, AuditlogLogEntryAdmin):
    """Read-only for everyone, superusers included: an entry is evidence. Retention deletes old entries
    (``audit.audit_entries_purge``), erasure anonymises them (privacy's AuditTrailProvider); never the admin."""

    list_display = ("when", "what", "record", "fields_changed", "by")
    list_display_links = ("when",)
    list_filter = (
        ActionFilter,
        EventFilter,
        ("content_type", RecordTypeFilter),
        ("actor", ActorFilter),
    )
    list_select_related = ("content_type", "actor")
    search_fields = ("=object_pk", "object_repr")
    search_help_text = _("Search by the record's number (exactly) or its description.")
    date_hierarchy = "timestamp"
    actions = None  # no "delete selected"
    fieldsets = (
        (None, {"fields": ("when", "what", "record", "by", "actor_email_display", "address")}),
        (_("Changes"), {"fields": ("changes_table",)}),
    )
    readonly_fields = ("when", "what", "record", "by", "actor_email_display", "address", "changes_table")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("time"), ordering="timestamp")
    def when(self, entry: LogEntry) -> str:
        return localize(localtime(entry.timestamp))

    @admin.display(description=_("what"))
    def what(self, entry: LogEntry) -> str:
        data = entry.additional_data or {}
        label = str(EVENT_LABELS.get(data.get("event"), ACTION_LABELS.get(entry.action, entry.action)))
        details = [str(data[key]) for key in ("kind", "format", "via") if data.get(key)]
        if "rows" in data:
            details.append(ngettext("%(count)d row", "%(count)d rows", data["rows"]) % {"count": data["rows"]})
        if "records" in data:
            count = data["records"]
            details.append(ngettext("%(count)d record", "%(count)d records", count) % {"count": count})
        if data.get("bank_data"):
            details.append(str(_("with bank data")))
        return f"{label} ({', '.join(details)})" if details else label

    @admin.display(description=_("record"))
    def record(self, entry: LogEntry) -> str:
        kind = capfirst(entry.content_type.model_class()._meta.verbose_name) if entry.content_type.model_class() else ""
        number = f" (#{entry.object_pk})" if entry.object_pk else ""
        return f"{kind}: {entry.object_repr}{number}"

    @admin.display(description=_("fields changed"))
    def fields_changed(self, entry: LogEntry) -> str:
        return ", ".join(_field_label(entry, name) for name in sorted(entry.changes or {})) or "–"

    @admin.display(description=_("by"), ordering="actor__email")
    def by(self, entry: LogEntry) -> str:
        return str(entry.actor) if entry.actor_id else str(_("no one (system or erased account)"))

    @admin.display(description=_("address of the account"))
    def actor_email_display(self, entry: LogEntry) -> str:
        return entry.actor_email or "–"

    @admin.display(description=_("IP address"))
    def address(self, entry: LogEntry) -> str:
        return entry.remote_addr or "–"

    @admin.display(description=_("changes"))
    def changes_table(self, entry: LogEntry) -> str:
        if not entry.changes:
            return "–"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (_field_label(entry, name), *(values if isinstance(values, list | tuple) else ("", values))[:2])
                for name, values in sorted(entry.changes.items())
            ),
        )
        help_text = _("Personal values are stored only as fingerprints (•…): they show that a value changed, not what.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table><p>{}</p>",
            _("field"),
            _("before"),
            _("after"),
            rows,
            help_text,
        )
