"""Sitemap of the press items, in both languages."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import get_language

from . import selectors
from .models import NewsItem

_SLUG_MARK = "slug-placeholder"


class NewsSitemap(Sitemap):
    """Every visible press item; embargoed ones appear once due."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"
    priority = 0.6
    limit = 2000  # (item, language) pairs per page: small pages, cheap to serve and to fetch again

    def __init__(self):
        self._prefixes: dict[str, tuple[str, str]] = {}

    def items(self):
        return selectors.news_visible().only("slug", "published_at", "updated_at")

    def location(self, item: NewsItem) -> str:
        # One reverse() per language instead of four per item: the sitemap has tens of thousands of URLs.
        language = get_language()
        if language not in self._prefixes:
            before, _mark, after = reverse("news:detail", kwargs={"slug": _SLUG_MARK}).partition(_SLUG_MARK)
            self._prefixes[language] = (before, after)
        before, after = self._prefixes[language]
        return f"{before}{item.slug}{after}"

    def lastmod(self, item: NewsItem):
        return max(item.updated_at, item.published_at)

    def get_latest_lastmod(self):
        latest = selectors.news_visible().aggregate(updated=Max("updated_at"), published=Max("published_at"))
        return max((v for v in latest.values() if v is not None), default=None)
