"""A sitemap base for large querysets in both languages: pages are fetched as slices, never as whole lists.

Django's i18n sitemaps build the list of every (item, language) pair before paginating, so each sitemap page
and the index load every row (seconds at 10,000 events). Here the pairs are a lazy sequence over the queryset:
the index counts rows, a page fetches its slice. Locations are built from the URL pattern once per language
instead of several ``reverse()`` calls per item.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import get_language

_MARK = "slug-placeholder"


class _Pairs:
    """(item, language) pairs of an ordered queryset, as a sliceable sequence."""

    def __init__(self, queryset, languages: list[str]):
        self.queryset, self.languages = queryset, languages
        self._len: int | None = None

    def __len__(self) -> int:
        if self._len is None:
            self._len = self.queryset.count() * len(self.languages)
        return self._len

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(len(self))
        per = len(self.languages)
        first, last = start // per, -(-stop // per)
        pairs = [(item, code) for item in self.queryset[first:last] for code in self.languages]
        return pairs[start - first * per : stop - first * per]


class SlugSitemap(Sitemap):
    """Items of an ordered queryset with a slug, linked to ``url_name``, in every language."""

    i18n = True
    alternates = True
    limit = 2000  # (item, language) pairs per page: small pages, cheap to serve and to fetch again
    url_name = ""

    def __init__(self):
        self._prefixes: dict[str, tuple[str, str]] = {}

    @property
    def paginator(self) -> Paginator:
        return Paginator(_Pairs(self.items(), list(self._languages())), self.limit)

    def location(self, item) -> str:
        language = get_language()
        if language not in self._prefixes:
            before, _mark, after = reverse(self.url_name, kwargs={"slug": _MARK}).partition(_MARK)
            self._prefixes[language] = (before, after)
        before, after = self._prefixes[language]
        return f"{before}{item.slug}{after}"
