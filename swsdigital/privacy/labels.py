"""Readable names for the keys stored in consent records ("sepa_mandate", "home page box", "import (CSV): …").

The records keep their stable keys as proof; staff read these labels. A key not listed shows as stored.
"""

from django.utils.translation import gettext_lazy as _

CONSENT_KEYS = {
    "statutes": _("Statutes accepted"),
    "privacy": _("Privacy notice accepted"),
    "directory": _("Listing in the member directory"),
    "newsletter": _("Newsletter"),
    "sepa_mandate": _("SEPA direct debit mandate"),
    "event_registration": _("Event registration"),
}

SOURCES = {
    "home page box": _("newsletter box on the home page"),
    "newsletter page": _("newsletter page"),
    "membership application": _("membership application"),
    "member area": _("member area"),
    "events:registration": _("event registration"),
    "CSV": _("list import"),
}


def consent_key_label(key: str) -> str:
    """Return the readable name of a consent text's key."""
    return str(CONSENT_KEYS.get(key, key))


def source_label(source: str) -> str:
    """Return the readable name of where a consent or subscription came from (imports keep their detail)."""
    if source in SOURCES:
        return str(SOURCES[source])
    if source.startswith("import"):
        return f"{_('list import')}{source[len('import') :]}"
    return source or "–"


def source_filter(field: str = "source", title=None):
    """A list filter over the stored sources that shows their readable names."""
    from django.contrib import admin

    class SourceFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            values = model_admin.get_queryset(request).order_by().values_list(field, flat=True).distinct()[:50]
            return sorted(((value, source_label(value)) for value in values), key=lambda pair: pair[1])

        def queryset(self, request, queryset):
            return queryset.filter(**{field: self.value()}) if self.value() is not None else queryset

    SourceFilter.title = title or _("source")
    return SourceFilter
