"""Middleware: friendly 429 pages, session lifetimes (shorter for staff), staff second factor, CSP on 5.2."""

import time

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .ratelimit import RateLimited
from .staff import has_second_factor


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
    """End a logged-in session SESSION_ABSOLUTE_SECONDS after it began, however active it is.

    Staff sessions open the admin's personal and bank data: they end sooner, after
    STAFF_SESSION_IDLE_SECONDS without a request and STAFF_SESSION_ABSOLUTE_SECONDS after the login.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("_auth_started", now)
            if user.is_staff:
                idle = settings.STAFF_SESSION_IDLE_SECONDS
                last_seen = session.get("_last_seen", now)
                expired = now - started > settings.STAFF_SESSION_ABSOLUTE_SECONDS or now - last_seen > idle
                if not expired:
                    session["_last_seen"] = now
                    if session.get_expiry_age() != idle:
                        session.set_expiry(idle)  # the cookie and the stored session end with the idle time
            else:
                expired = now - started > settings.SESSION_ABSOLUTE_SECONDS
            if expired:
                from django.contrib.auth import logout

                logout(request)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Switch off the browser features the portal never uses, for every page (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})" for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


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
    """Staff reach the admin only with a second factor (TOTP) set up in their account.

    Staff-only pages outside /admin/ check the same through swsdigital.core.staff.staff_required.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/"):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.is_staff and not has_second_factor(user):
                messages.warning(
                    request,
                    _("Please set up two-factor authentication before you open the administration."),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
