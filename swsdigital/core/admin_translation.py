"""The admin for translated content: German and English of a text one click apart, and what lacks English.

``TranslatedAdmin`` is django-modeltranslation's ``TranslationAdmin`` (one form field per language, German
required where the field is) with our own tabs (``static/js/admin-translation-tabs.js``): modeltranslation's
tabbed admin needs jQuery UI from a CDN, which the CSP and the no-CDN rule exclude. Without JavaScript both
fields stay one below the other, labelled with their language.
"""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin


class TranslatedAdmin(TranslationAdmin):
    """A ModelAdmin whose translated fields show one tab per language."""

    class Media:
        css = {"all": ["css/admin-translation.css"]}
        js = ["js/admin-translation-tabs.js"]


def english_missing(field: str) -> Q:
    """Return the condition "``<field>`` has no English text" (empty or never written)."""
    return Q(**{f"{field}_en__isnull": True}) | Q(**{f"{field}_en": ""})


def english_version_filter(field: str) -> type[admin.SimpleListFilter]:
    """Return a list filter "English version: missing / present", judged by ``<field>``'s English text."""

    class EnglishVersionFilter(admin.SimpleListFilter):
        title = _("English version")
        parameter_name = "english"

        def lookups(self, request, model_admin):
            return [("missing", _("missing")), ("present", _("present"))]

        def queryset(self, request, queryset: QuerySet) -> QuerySet:
            if self.value() == "missing":
                return queryset.filter(english_missing(field))
            if self.value() == "present":
                return queryset.exclude(english_missing(field))
            return queryset

    return EnglishVersionFilter
