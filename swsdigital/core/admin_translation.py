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


def english_missing(field: str, *, german_only: bool = False) -> Q:
    """Return the condition "``<field>`` has no English text" (empty or never written).

    With ``german_only`` the model has that flag, and an item marked German only does not count as missing.
    """
    missing = Q(**{f"{field}_en__isnull": True}) | Q(**{f"{field}_en": ""})
    return missing & Q(german_only=False) if german_only else missing


def english_version_filter(field: str) -> type[admin.SimpleListFilter]:
    """Return a list filter "English version: missing / present", judged by ``<field>``'s English text."""

    class EnglishVersionFilter(admin.SimpleListFilter):
        title = _("English version")
        parameter_name = "english"

        def lookups(self, request, model_admin):
            return [("missing", _("missing")), ("present", _("present"))]

        def queryset(self, request, queryset: QuerySet) -> QuerySet:
            # Items marked "German only" are neither missing nor present: no English version is planned.
            german_only = any(f.name == "german_only" for f in queryset.model._meta.fields)
            if self.value() == "missing":
                return queryset.filter(english_missing(field, german_only=german_only))
            if self.value() == "present":
                return queryset.exclude(english_missing(field))
            return queryset

    return EnglishVersionFilter


class TranslatedPairsAdminMixin:
    """The same tabs for a model's own ``<field>_de``/``<field>_en`` columns (legal pages, membership types).

    ``translated_pairs`` names the fields (``("title", "body")``); their widgets get the classes modeltranslation
    gives its own, so that ``admin-translation-tabs.js`` puts German and English of each on two tabs.
    """

    translated_pairs: tuple[str, ...] = ()

    class Media:
        css = {"all": ["css/admin-translation.css"]}
        js = ["js/admin-translation-tabs.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        base, _sep, language = db_field.name.rpartition("_")
        if formfield is not None and base in self.translated_pairs and language in ("de", "en"):
            css = formfield.widget.attrs.get("class", "")
            formfield.widget.attrs["class"] = f"{css} mt mt-field-{base}-{language}".strip()
        return formfield
