"""A urlconf with a view that fails, to see the portal's own 500 page in both languages."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from swsdigital.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [*i18n_patterns(path("broken/", broken), prefix_default_language=False), *portal_urlpatterns]
