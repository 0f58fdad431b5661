"""URL configuration: German at the root, English under /en/ with translated paths."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from events.sitemaps import EventSitemap
from members.sitemaps import MemberSitemap
from news.sitemaps import NewsSitemap
from swsdigital.core.pagecache import page_cached
from swsdigital.core.views import health, media_serve
from swsdigital.pages.sitemaps import StaticPagesSitemap
from swsdigital.pages.views import favicon_ico, robots_txt

# Staff log in through allauth (rate limits, verification, 2FA), then reach the admin; a logged-in
# person without staff rights gets the 403 page instead of a redirect loop between admin and login.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("SWS Digital administration")
admin.site.site_title = _("SWS Digital")
admin.site.index_title = _("Portal administration")

# Every app's sitemap, one entry per app (each covers German and English URLs).
SITEMAPS = {
    "pages": StaticPagesSitemap,
    "news": NewsSitemap,
    "events": EventSitemap,
    "members": MemberSitemap,
}
# The page cache's sections whose content each sitemap lists (legal pages are "global"; places are not listed):
# the index names them all, a section's page only its own, so a press edit leaves 2,000 event URLs cached.
_LISTED = {"pages": (), "news": ("press",), "events": ("events",), "members": ("members",)}
_sitemap_index = page_cached(sitemap_views.index, sections=sorted({s for listed in _LISTED.values() for s in listed}))
_sitemap_pages = {name: page_cached(sitemap_views.sitemap, sections=listed) for name, listed in _LISTED.items()}


def _sitemap_section(request, section: str, **kwargs):
    """One sitemap, cached until what it lists changes (an unknown section answers 404 as before)."""
    view = _sitemap_pages.get(section, sitemap_views.sitemap)
    return view(request, section=section, **kwargs)


urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        _sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        _sitemap_section,
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap_section",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon_ico, name="favicon"),
    path("healthz", health, name="health"),
    re_path(r"^media/(?P<path>.+)$", media_serve, name="media"),
]

urlpatterns += i18n_patterns(
    path("", include("swsdigital.pages.urls")),
    path("", include("events.urls")),
    path("", include("news.urls")),
    path("", include("newsletter.urls")),
    path("", include("members.urls")),
    path("", include("fees.urls")),
    path(_("account/"), include("allauth.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
