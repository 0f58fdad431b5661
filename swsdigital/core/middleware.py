"""Middleware: friendly 429 pages, absolute session lifetime, CSP on Django 5.2."""

import time

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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


class StaffSecondFactorMiddleware:
    """Staff reach the admin only with a second factor (TOTP) set up in their account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.ADMIN_REQUIRE_MFA and request.path_info.startswith("/admin/"):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.is_staff:
                from allauth.mfa.utils import is_mfa_enabled

                if not is_mfa_enabled(user):
                    messages.warning(
                        request,
                        _("Please set up two-factor authentication before you open the administration."),
                    )
                    return redirect("mfa_activate_totp")
        return self.get_response(request)
