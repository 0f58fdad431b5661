"""Sitemap of the published events (wired into sitemap.xml by the root urlconf)."""

from django.db.models import Max

from swsdigital.core.sitemaps import SlugSitemap

from .selectors import events_public


class EventSitemap(SlugSitemap):
    """Every published event, upcoming and past."""

    changefreq = "weekly"
    priority = 0.6
    url_name = "events:detail"
    english_field = "title"

    def items(self):
        plain = events_public().prefetch_related(None).select_related(None)
        return plain.only("slug", "updated_at", "title_en", "german_only").order_by("-start", "pk")

    def lastmod(self, event):
        return event.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which loads every event to compare lastmod().
        return events_public().prefetch_related(None).select_related(None).aggregate(latest=Max("updated_at"))["latest"]
