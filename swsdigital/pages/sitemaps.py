"""Sitemap of the site frame: home page, list pages and the legal pages, in both languages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import LegalPage

# URL names of pages that exist without data; legal pages are added when staff wrote them.
STATIC_PAGES = [
    "pages:home",
    "events:list",
    "news:list",
    "members:directory",
    "members:join",
    "newsletter:subscribe",
]


class StaticPagesSitemap(Sitemap):
    """The fixed pages of the portal."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self) -> list[str]:
        legal = [f"pages:{kind}" for kind in LegalPage.objects.order_by("kind").values_list("kind", flat=True)]
        return STATIC_PAGES + legal

    def location(self, item: str) -> str:
        return reverse(item)

    def priority(self, item: str) -> float:
        return 1.0 if item == "pages:home" else 0.5
