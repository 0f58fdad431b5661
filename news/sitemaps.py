"""Sitemap of the press items, in both languages."""

from django.db.models import Max

from swsdigital.core.sitemaps import SlugSitemap

from . import selectors
from .models import NewsItem


class NewsSitemap(SlugSitemap):
    """Every visible press item; embargoed ones appear once due."""

    url_name = "news:detail"
    english_field = "title"
    x_default = True
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return selectors.news_visible().only("slug", "published_at", "updated_at", "title_en", "german_only")

    def lastmod(self, item: NewsItem):
        return max(item.updated_at, item.published_at)

    def get_latest_lastmod(self):
        latest = selectors.news_visible().aggregate(updated=Max("updated_at"), published=Max("published_at"))
        return max((v for v in latest.values() if v is not None), default=None)
