"""Sitemap of the published events (wired into sitemap.xml by the root urlconf)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .selectors import events_public


class EventSitemap(Sitemap):
    """Every published event, upcoming and past."""

    changefreq = "weekly"
    priority = 0.6
    i18n = True
    alternates = True
    limit = 2000  # (event, language) pairs per page: small pages, cheap to serve and to fetch again

    def items(self):
        return events_public().prefetch_related(None).select_related(None).order_by("-start", "pk")

    def lastmod(self, event):
        return event.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which loads every event to compare lastmod().
        return events_public().prefetch_related(None).select_related(None).aggregate(latest=Max("updated_at"))["latest"]
