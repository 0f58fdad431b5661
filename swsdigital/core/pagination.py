"""Forgiving pagination: an unknown or out-of-range page gives a page, never an error."""

from django.core.paginator import Page, Paginator


def paginate(object_list, *, page: str | None, per_page: int = 12) -> Page:
    """Return the requested page, falling back to the first or last page on bad input."""
    paginator = Paginator(object_list, per_page)
    return paginator.get_page(page)
