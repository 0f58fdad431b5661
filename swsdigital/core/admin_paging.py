"""Paging for the admin's big tables: no full ``COUNT(*)`` over 100,000 or a million rows on every page view.

Django's changelist counts twice per page: the filtered rows for the paginator and, unless
``show_full_result_count`` is off, the whole table for "5 results (100,000 total)". On PostgreSQL a count reads
every row (or every index entry) it counts. ``EstimatedCountPaginator`` answers an unfiltered list of a big table
with the planner's estimate (``pg_class.reltuples``, kept current by autovacuum), and stops counting a filtered
or searched list at ``count_limit`` rows; the pages beyond stay reachable by the "next" links of the last page
shown. On SQLite, and for small tables, it counts as usual. ``LargeTableAdminMixin`` puts both on a ModelAdmin.
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet

# Below this many rows a real count is cheap (a few milliseconds) and exact.
ESTIMATE_ABOVE = 20000
# A filtered count stops here: 10,000 rows are 100 pages of 100, more than anyone pages through.
COUNT_LIMIT = 10000


def table_estimate(model, *, using: str = "default") -> int | None:
    """Return PostgreSQL's estimate of a table's rows, or None where there is none (SQLite, never analysed)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [model._meta.db_table])
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < 0:  # -1: never vacuumed or analysed (PostgreSQL 14+)
        return None
    return int(row[0])


def is_unfiltered(queryset: QuerySet) -> bool:
    """Whether the queryset holds every row of its table (no WHERE, no DISTINCT, no slice)."""
    query = queryset.query
    return not query.where.children and not query.distinct and query.low_mark == 0 and query.high_mark is None


def capped_count(queryset: QuerySet, *, limit: int) -> int:
    """Count the rows, stopping after ``limit`` (``SELECT COUNT(*) FROM (… LIMIT n)``)."""
    return queryset.order_by()[:limit].count()


class EstimatedCountPaginator(Paginator):
    """A paginator whose count is estimated for big unfiltered tables and capped for filtered ones."""

    estimate_above = ESTIMATE_ABOVE
    count_limit = COUNT_LIMIT

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        if is_unfiltered(queryset):
            estimate = table_estimate(queryset.model, using=queryset.db)
            if estimate is not None and estimate > self.estimate_above:
                return estimate
        return capped_count(queryset, limit=self.count_limit)

    @cached_property
    def is_capped(self) -> bool:
        """Whether the count stopped at the limit (there may be more rows)."""
        return self.count == self.count_limit


class LargeTableAdminMixin:
    """For ModelAdmins of tables that grow to 100,000 rows and more: estimated and capped counts only."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False  # "(100,000 total)" is a second full count on every filtered page
