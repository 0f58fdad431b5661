"""Admin changelists that answer hostile filter values with Django's usual ``?e=1`` redirect, never a 500.

Django turns a filter value it cannot use into ``IncorrectLookupParameters`` only where it expects one:
a ``ValueError`` while building the date hierarchy's first day. A year like 99999999999999999999999 gives
an ``OverflowError``, a year of 9999 a ``ValueError`` one step later (the range's end is in year 10000),
a year of 1 a bound the database adapter cannot shift to UTC, a huge foreign key an ``OverflowError`` in
SQLite, and NUL a ``ValueError`` in PostgreSQL; all of them surface as 500s. Every ModelAdmin of the
portal uses ``SafeChangeListMixin`` (tests/core/test_hostile_urls.py checks that none is missing).
"""

from datetime import UTC, datetime

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList

NUL = "\x00"


class SafeChangeList(ChangeList):
    def __init__(self, request, *args, **kwargs):
        if any(NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists()):
            raise IncorrectLookupParameters("NUL character in the query string")
        super().__init__(request, *args, **kwargs)

    def get_filters(self, request):
        try:
            filters = super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc
        remaining = filters[2]
        for values in remaining.values():
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, datetime) and value.tzinfo is not None:
                    try:  # the date hierarchy's bounds, as every database adapter stores them
                        value.astimezone(UTC)
                    except OverflowError as exc:
                        raise IncorrectLookupParameters(exc) from exc
        return filters

    def get_results(self, request):
        try:
            super().get_results(request)
        except OverflowError as exc:  # a number from the query string the database cannot hold (SQLite)
            raise IncorrectLookupParameters(exc) from exc


def _possible_id(value) -> bool:
    return isinstance(value, str) and value.isascii() and value.isdigit() and int(value) < 2**63


class SafeChangeListMixin:
    """For every ModelAdmin of the portal: hostile filter values redirect to ``?e=1`` instead of failing."""

    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def get_changeform_initial_data(self, request):
        """Prefill from the query string (``?series=3``) only with ids that can exist: an autocomplete widget
        looks its initial choice up, and ``?series=x%00y`` or a 23-digit id would fail in the database."""
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            field = next((f for f in self.model._meta.get_fields() if f.name == name), None)
            if field is None or not field.is_relation:
                continue  # not a relation: the form field validates it as usual
            values = initial[name] if isinstance(initial[name], list) else [initial[name]]
            if not all(_possible_id(value) for value in values if value != ""):
                del initial[name]
        return initial
