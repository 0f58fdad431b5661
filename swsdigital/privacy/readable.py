"""The readable form of a person's export (Art. 15): each app's part as a headed section of labelled values.

The providers give the headings and labels (registry.PersonalDataProvider.title, labels, value_labels);
common keys are labelled here. The result is plain data for templates/privacy/includes/export_node.html,
which shows mappings as definition lists, lists of short flat records as tables, the rest as cards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import registry

COMMON_LABELS = {
    "email": _("Email address"),
    "name": _("Name"),
    "salutation": _("Salutation"),
    "title": _("Title"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "role": _("Role"),
    "phone": _("Phone"),
    "language": _("Language"),
    "status": _("Status"),
    "source": _("Source"),
    "created_at": _("Created"),
    "confirmed_at": _("Confirmed"),
}
# A list of records becomes a table when every record is flat, has at most this many fields and no long text.
TABLE_MAX_FIELDS = 5
TABLE_MAX_TEXT = 120
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(frozen=True)
class Node:
    """One value of the export as the template shows it.

    ``kind`` is "text" (``text``), "items" (``items``: texts), "fields" (``fields``: label and node pairs),
    "table" (``headers`` and ``rows`` of texts) or "records" (``records``: "fields" nodes).
    """

    kind: str
    text: str = ""
    items: list = field(default_factory=list)
    fields: list = field(default_factory=list)
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    records: list = field(default_factory=list)


@dataclass(frozen=True)
class Part:
    """One kind of record in an app's section (a key of its export), with how many there are."""

    label: str
    count: int
    node: Node


@dataclass(frozen=True)
class Section:
    """An app's part of the export."""

    name: str
    title: str
    parts: list


class _Labeller:
    def __init__(self, provider: registry.PersonalDataProvider | None):
        self.labels = {**COMMON_LABELS, **(provider.labels if provider else {})}
        self.values = {"language": dict(settings.LANGUAGES), **(provider.value_labels if provider else {})}

    def label(self, key) -> str:
        key = str(key)
        if key in self.labels:
            return str(self.labels[key])
        return key[:1].upper() + key[1:].replace("_", " ")  # a key no one labelled, e.g. an event's own question

    def text(self, key, value) -> str:
        if value is None or value == "":
            return "–"
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, str):
            coded = self.values.get(str(key), {})
            if value in coded:
                return str(coded[value])
            if _ISO_DATE.match(value) and (day := parse_date(value)):
                return date_format(day, "DATE_FORMAT")
            if _ISO_DATETIME.match(value):
                try:
                    moment = parse_datetime(value)
                except ValueError:
                    moment = None
                if moment is not None:
                    if timezone.is_aware(moment):
                        moment = timezone.localtime(moment)
                    return date_format(moment, "DATETIME_FORMAT")
        return str(value)

    def node(self, key, value) -> Node:
        if isinstance(value, dict):
            return Node("fields", fields=[(self.label(k), self.node(k, v)) for k, v in value.items()])
        if isinstance(value, (list, tuple)):
            if all(isinstance(v, dict) for v in value) and value:
                return self._records(value)
            return Node("items", items=[self.text(key, v) for v in value])
        return Node("text", text=self.text(key, value))

    def _records(self, records: list[dict]) -> Node:
        keys = list(dict.fromkeys(k for record in records for k in record))
        flat = all(not isinstance(v, (dict, list, tuple)) for record in records for v in record.values())
        short = all(len(str(v)) <= TABLE_MAX_TEXT for record in records for v in record.values())
        if flat and short and len(keys) <= TABLE_MAX_FIELDS:
            rows = [[self.text(k, record.get(k)) for k in keys] for record in records]
            return Node("table", headers=[self.label(k) for k in keys], rows=rows)
        return Node("records", records=[self.node("", record) for record in records])


def _count(value) -> int:
    return len(value) if isinstance(value, (list, tuple)) else 1


def person_export_sections(*, export: dict) -> list[Section]:
    """Return one person_export() as readable sections, one per app, in the registry's order."""
    sections = []
    for name, part in (export.get("data") or {}).items():
        provider = registry.provider_get(name)
        labeller = _Labeller(provider)
        title = str(provider.title) if provider and provider.title else labeller.label(name)
        if isinstance(part, dict):
            parts = [
                Part(labeller.label(key), _count(value), labeller.node(key, value))
                for key, value in part.items()
                if value not in (None, "", [], {})
            ]
        else:
            parts = [Part("", len(part), labeller.node(name, part))] if part else []
        if parts:
            sections.append(Section(name, title, parts))
    return sections
