"""Middleware turning RateLimited into a friendly, translated 429 page."""

from django.shortcuts import render

from .ratelimit import RateLimited


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            response = render(request, "429.html", status=429)
            response["Retry-After"] = str(max(1, exception.retry_after))
            return response
        return None
