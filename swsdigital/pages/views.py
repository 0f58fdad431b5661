"""Home page and legal pages: thin views over the selectors."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from swsdigital.core.pagecache import page_cached
from swsdigital.privacy.retention import retention_schedule

from . import selectors
from .models import LegalPage


@page_cached(sections=("events", "registrations", "press", "members"))
def home(request):
    return render(request, "pages/home.html", selectors.home_sections())


@page_cached(sections=())
def legal_page(request, kind: str):
    page = selectors.legal_page_get(kind=kind)
    if page is None:
        raise Http404
    return render(request, "pages/legal.html", legal_page_context(page))


def legal_page_context(page: LegalPage) -> dict:
    """Return the legal page's template context (also for the admin's preview of unsaved changes)."""
    context = {"page": page}
    if page.kind == LegalPage.Kind.PRIVACY:
        # The periods as the retention rules apply them (settings.RETENTION), below the staff's text.
        context["retention"] = retention_schedule()
    return context


def _robots_disallowed() -> list[str]:
    """Paths crawlers should skip: admin, accounts and the staff preview, in every language."""
    paths = ["/admin/"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.append(reverse("account_login").rsplit("/", 2)[0] + "/")
            paths.append(reverse("news:preview", kwargs={"pk": 1}).rsplit("/", 2)[0] + "/")
    return list(dict.fromkeys(paths))


@page_cached(sections=())
def robots_txt(request):
    lines = ["User-agent: *", *[f"Disallow: {path}" for path in _robots_disallowed()], ""]
    lines.append(f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon_ico(request):
    """Redirect /favicon.ico, which browsers and feed readers ask for on their own, to the static icon."""
    # Not permanent: the target carries the file's hash (DEBUG off), which changes with the icon.
    response = HttpResponseRedirect(static("img/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
