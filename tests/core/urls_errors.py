"""A urlconf with views that fail, are forbidden or rate-limited: the portal's own 403, 429 and 500 pages."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path

from swsdigital.core.ratelimit import rate_limit_request
from swsdigital.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


def limited(request):
    rate_limit_request(request, scope="test-errors-limited", limit=1, period=60)
    return HttpResponse("ok")


urlpatterns = [
    *i18n_patterns(
        path("broken/", broken),
        path("forbidden/", forbidden),
        path("limited/", limited),
        prefix_default_language=False,
    ),
    *portal_urlpatterns,
]
