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
    # A translated field (e.g. "title"): its English column decides whether the item has an English page.
    english_field = ""

    def __init__(self):
        self._prefixes: dict[str, tuple[str, str]] = {}

    @property
    def paginator(self) -> Paginator:
        return Paginator(_Pairs(self.items(), list(self._languages())), self.limit)

    def get_languages_for_item(self, item) -> list[str]:
        """The languages the item has a page of its own in: German always; English where an English text
        exists (``english_field``) and the item is not marked German only."""
        languages = list(self._languages())
        if not self.english_field:
            return languages
        if getattr(item, "german_only", False) or not getattr(item, f"{self.english_field}_en", ""):
            return [code for code in languages if code != "en"]
        return languages

    def _urls(self, page, protocol, domain):
        # Pages are sliced over (item, language) pairs; the English address of an item without English text is
        # left out here, so a page may list fewer addresses than ``limit`` (never a query more).
        urls = super()._urls(page, protocol, domain)
        if not self.english_field:
            return urls
        return [url for url in urls if url["item"][1] in self.get_languages_for_item(url["item"][0])]

    def location(self, item) -> str:
        language = get_language()
        if language not in self._prefixes:
            before, _mark, after = reverse(self.url_name, kwargs={"slug": _MARK}).partition(_MARK)
            self._prefixes[language] = (before, after)
        before, after = self._prefixes[language]
        return f"{before}{item.slug}{after}"
