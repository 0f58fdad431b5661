"""Sitemap of the press items, in both languages."""

from django.contrib.sitemaps import Sitemap

from . import selectors
from .models import NewsItem


class NewsSitemap(Sitemap):
    """Every visible press item; embargoed ones appear once due."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return selectors.news_visible().only("slug", "published_at", "updated_at")

    def lastmod(self, item: NewsItem):
        return max(item.updated_at, item.published_at)
