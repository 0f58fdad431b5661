"""A live preview beside an admin change form: the public page, in German and English, with the unsaved values.

An app's ModelAdmin mixes in ``LivePreviewAdminMixin``, names its public template (``live_preview_template``) and
builds that template's context from the unsaved instance (``live_preview_context``), or renders something that is
not a page itself (``live_preview_render``, e.g. an email). The change form gets a pane with one tab per language;
``static/js/admin-preview.js`` posts the form's current values into it while staff type. The preview view
binds the ModelAdmin's own form without saving, inside a transaction that is rolled back, and renders as an
anonymous visitor would see the page. Nothing here knows the apps that use it.
"""

from __future__ import annotations

import copy
import logging
import re

from django import forms
from django.conf import settings
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.template.loader import render_to_string, select_template
from django.templatetags.static import static
from django.urls import NoReverseMatch, path, reverse
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from .sqlite.base import reading_request

logger = logging.getLogger(__name__)

_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


class PreviewRelated:
    """Stands in for a related manager in a template: ``.all``, ``.count``, ``.exists`` over a fixed list."""

    def __init__(self, items):
        self._items = list(items)

    def all(self) -> list:
        return self._items

    def count(self) -> int:
        return len(self._items)

    def exists(self) -> bool:
        return bool(self._items)

    def __iter__(self):
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)


class PreviewInstance:
    """An unsaved instance as its template sees it, with related objects given instead of queried.

    An unsaved instance has no related managers at all (Django refuses them without a primary key), and a
    saved one would show the stored relations, not the form's.
    """

    def __init__(self, instance, **overrides):
        self._instance = instance
        self._overrides = overrides

    def __getattr__(self, name):
        overrides = self.__dict__.get("_overrides", {})
        if name in overrides:
            return overrides[name]
        return getattr(self.__dict__["_instance"], name)

    def __str__(self) -> str:
        return str(self._instance)


def _problems(form) -> tuple[list[str], list[str]]:
    """Return the labels of the fields still empty and the other errors, as sentences staff understand."""
    missing, others = [], []
    for name, errors in form.errors.as_data().items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        for error in errors:
            if label and error.code == "required":
                missing.append(label)
                continue
            message = " ".join(str(m) for m in error.messages)
            others.append(f"{label}: {message}" if label else message)
    return missing, others


def _csp_header(*, inline_styles: bool) -> str:
    """The portal's policy, framed by the admin only, without scripts or forms (the preview is a picture)."""
    policy = {
        **settings.CSP_POLICY,
        "script-src": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'self'"],
    }
    if inline_styles:  # emails carry their styles inline, as mail programs need them
        policy["style-src"] = ["'self'", "'unsafe-inline'"]
        policy["img-src"] = [*policy.get("img-src", ["'self'"]), "https:", settings.SITE_URL]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


class LivePreviewAdminMixin:
    """Add a live preview of the public page, one tab per language, beside a ModelAdmin's change form."""

    live_preview_template: str = ""
    # Emails need their inline styles; pages keep the portal's policy.
    live_preview_inline_styles: bool = False

    # --- What an app supplies -------------------------------------------------------------------------

    def live_preview_context(self, request, obj, *, form, language: str) -> dict:
        """Return the public template's context for the unsaved ``obj`` (called in ``language``)."""
        raise NotImplementedError

    def live_preview_render(self, request, obj, *, form, language: str) -> str:
        """Return the public page's HTML for the unsaved ``obj`` (called in ``language``)."""
        context = self.live_preview_context(request, obj, form=form, language=language)
        return render_to_string(self.live_preview_template, context, request=request)

    def live_preview_text_language(self, obj, language: str) -> str:
        """Return the language the public site shows ``obj``'s text in, on its pages in ``language``."""
        return language

    def live_preview_notes(self, request, obj, *, language: str) -> list[str]:
        """Return lines shown in the preview's banner (e.g. a mailing's subject)."""
        return []

    # --- The change form --------------------------------------------------------------------------------

    @property
    def media(self):
        return super().media + forms.Media(
            css={"all": ["css/admin-preview.css"]},
            js=["js/admin-unsaved.js", "js/admin-preview.js"],
        )

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_live_preview"
        # Framed by the admin itself only; the view opens its own (read-only) transaction.
        view = xframe_options_sameorigin(self.admin_site.admin_view(self.live_preview_view))
        view = transaction.non_atomic_requests(view)
        return [
            path("live-preview/", view, name=f"{name}_add"),
            path("<path:object_id>/live-preview/", view, name=name),
            *super().get_urls(),
        ]

    def _live_preview_allowed(self, request, obj) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
        if context.get("is_popup") or not self._live_preview_allowed(request, obj):
            return response
        opts = self.model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}_live_preview"
        url = reverse(f"{name}_add") if obj is None or obj.pk is None else reverse(name, args=[obj.pk])
        # Whatever change form the admin would have used (an app's own included) stays the page around the pane.
        response.context_data.update(
            {
                "live_preview_base_template": select_template(
                    [response.template_name] if isinstance(response.template_name, str) else response.template_name
                ),
                "live_preview_url": url,
                "live_preview_form_id": f"{opts.model_name}_form",
                "live_preview_languages": [
                    (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
                ],
            }
        )
        response.template_name = "admin/preview/change_form.html"
        return response

    # --- The preview --------------------------------------------------------------------------------

    def live_preview_view(self, request, object_id=None):
        """Render the public page with the posted, unsaved values of the change form; never write."""
        # Only reads: on SQLite the transaction starts DEFERRED, so typing in the admin takes no write lock.
        token = reading_request.set(True)
        try:
            with transaction.atomic():
                try:
                    return self._live_preview_response(request, object_id)
                finally:
                    transaction.set_rollback(True)  # whatever rendering touched, nothing stays
        finally:
            reading_request.reset(token)

    def _live_preview_response(self, request, object_id):
        obj = None
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                if not self.has_change_permission(request):
                    raise PermissionDenied  # whether an entry exists is not for everyone to find out
                raise Http404(_("This entry no longer exists."))
        if not self._live_preview_allowed(request, obj):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        language = request.GET.get("lang", "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        fieldsets = self.get_fieldsets(request, obj)
        form_class = self.get_form(request, obj, change=obj is not None, fields=flatten_fieldsets(fieldsets))
        # Files are not sent with the preview (it would upload them on every keystroke); the saved ones show.
        form = form_class(request.POST, instance=obj)
        form.is_valid()  # builds form.instance from every valid field; the invalid ones keep their saved value
        instance = form.instance
        visitor = self._live_preview_visitor(request, instance, language)
        try:
            with transaction.atomic(), translation.override(language):
                html = self.live_preview_render(visitor, instance, form=form, language=language)
            # The banner speaks to staff: in the admin's language, not the page's.
            notes = self.live_preview_notes(request, instance, language=language)
            text_language = self.live_preview_text_language(instance, language)
        except Exception:  # a half-typed form must never show a server error in the pane
            logger.exception("live preview of %s failed", self.model._meta.label)
            html = render_to_string("admin/preview/unavailable.html", {"language": language})
            notes, text_language = [], language
        missing, others = _problems(form)
        banner = render_to_string(
            "admin/preview/banner.html",
            {
                "missing": ", ".join(missing),
                "problems": others,
                "notes": notes,
                "missing_english": language == "en" and text_language != "en",
                "missing_german": language == "de" and text_language != "de",
            },
        )
        response = HttpResponse(self._live_preview_decorate(html, banner))
        response["Content-Security-Policy"] = _csp_header(inline_styles=self.live_preview_inline_styles)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Content-Language"] = language
        return response

    def _live_preview_visitor(self, request, obj, language: str):
        """The request as an anonymous visitor of the public page would make it (header, language switch)."""
        visitor = copy.copy(request)
        visitor.user = AnonymousUser()
        visitor._messages = []  # the admin's messages belong to the admin's next page
        visitor.GET = QueryDict()
        visitor.META = {**request.META, "QUERY_STRING": ""}
        try:
            with translation.override(language):
                public = obj.get_absolute_url()
        except (AttributeError, NoReverseMatch, TypeError, ValueError):
            public = None
        if public and public.startswith("/"):
            visitor.path = visitor.path_info = public
            visitor.resolver_match = None
        return visitor

    @staticmethod
    def _live_preview_decorate(html: str, banner: str) -> str:
        """Drop scripts, open links in a new tab (the pane keeps the form), put the banner on top."""
        html = _SCRIPT.sub("", html)
        head = (
            f'<base target="_blank"><meta name="robots" content="noindex, nofollow">'
            f'<link rel="stylesheet" href="{static("css/admin-preview.css")}">'
        )
        html, found = _HEAD_END.subn(lambda m: head + m.group(0), html, count=1)
        if not found:
            html = head + html
        html, found = _BODY_START.subn(lambda m: m.group(0) + banner, html, count=1)
        if not found:
            html = banner + html
        return html
