"""A tiny urlconf for testing the rate-limit middleware."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from swsdigital.core.ratelimit import rate_limit_request
from swsdigital.urls import urlpatterns as portal_urlpatterns


@csrf_exempt
def limited(request):
    rate_limit_request(request, scope="test-limited", limit=2, period=60)
    return HttpResponse("ok")


urlpatterns = [path("limited/", limited), *portal_urlpatterns]
