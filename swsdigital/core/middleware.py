"""Middleware: friendly 429 pages, absolute session lifetime, CSP on Django 5.2."""

import time

from django.conf import settings
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


class SessionAbsoluteTimeoutMiddleware:
    """End a logged-in session SESSION_ABSOLUTE_SECONDS after it began, however active it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.setdefault("_auth_started", int(time.time()))
            if time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                from django.contrib.auth import logout

                logout(request)
        return self.get_response(request)


class StaticCSPMiddleware:
    """Send settings.CSP_POLICY where Django has no built-in CSP (5.2)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = "; ".join(f"{k} {' '.join(v)}" for k, v in settings.CSP_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.header)
        return response
