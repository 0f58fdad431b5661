"""Guards for staff tools: admin actions that need their real permission and leave a log entry, and
staff-only pages outside the admin that need the model permission they expose and a second factor."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, override
from django.utils.translation import gettext as _


def has_second_factor(user) -> bool:
    """Return whether the user has the second factor staff need (always true when it is not required)."""
    if not settings.ADMIN_REQUIRE_MFA:
        return True
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user)


def staff_can(user, perm: str) -> bool:
    """Return whether an active staff user with a second factor holds the permission."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(perm)
        and has_second_factor(user)
    )


def staff_required(perm: str) -> Callable:
    """Guard a staff-only view: log in, second factor, then the model permission (else the 403 page)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
            if not (user.is_active and user.is_staff and user.has_perm(perm)):
                raise PermissionDenied
            if not has_second_factor(user):
                messages.warning(
                    request, _("Please set up two-factor authentication before you open the administration.")
                )
                return redirect("mfa_activate_totp")
            return view(request, *args, **kwargs)

        wrapped.staff_permission = perm
        return wrapped

    return decorator


def staff_action(*, description, permissions: Iterable[str]) -> Callable:
    """An admin action that needs the given permissions and leaves an admin log entry for every object.

    Django offers an action to everyone who may see the change list unless the action names its
    permissions; here they are required, so no action can be declared without them.
    """
    permissions = list(permissions)
    if not permissions:
        raise ValueError("An admin action must name the permission it needs.")

    def decorator(func):
        @functools.wraps(func)
        def wrapped(modeladmin, request, queryset):
            objects = list(queryset)
            response = func(modeladmin, request, queryset)
            if not getattr(response, "action_pending", False):  # a page that only asks changes nothing
                _log(request, objects, description)
            return response

        from django.contrib import admin

        return admin.action(description=description, permissions=permissions)(wrapped)

    return decorator


def action_confirmation(request, template: str, context: dict) -> TemplateResponse:
    """Return the page on which an admin action asks before it acts; staff_action logs nothing for it.

    The page posts the action again with ``post=yes`` (as Django's delete confirmation does).
    """
    response = TemplateResponse(request, template, context)
    response.action_pending = True
    return response


def _log(request, objects: list, description) -> None:
    if not objects:
        return
    # Stored in the site's language, as Django's own change messages are written once.
    with override(settings.LANGUAGE_CODE):
        message = gettext("Action: %(action)s") % {"action": str(description)}
    content_type = ContentType.objects.get_for_model(objects[0], for_concrete_model=False)
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                user_id=request.user.pk,
                content_type=content_type,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                action_flag=CHANGE,
                change_message=message,
            )
            for obj in objects
        ]
    )
