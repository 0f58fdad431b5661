"""Sitemap of the listed members' directory pages."""

from django.db.models import Max

from swsdigital.core.sitemaps import SlugSitemap

from .selectors import directory_members


class MemberSitemap(SlugSitemap):
    changefreq = "monthly"
    priority = 0.4
    url_name = "members:detail"

    def items(self):
        return directory_members().select_related(None).prefetch_related(None).only("slug", "updated_at", "name")

    def lastmod(self, member):
        return member.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which loads every member to compare lastmod().
        return (
            directory_members()
            .select_related(None)
            .prefetch_related(None)
            .aggregate(latest=Max("updated_at"))["latest"]
        )
