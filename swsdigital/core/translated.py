"""Translated content with an honest fallback: which language a text is really in, marked where it differs.

Models translated with django-modeltranslation keep one column per language (``title_de``, ``title_en``); the
plain attribute returns the active language's text or, where that is empty, the German one. Here we find out
which of the two it was, so that a German text on an English page carries ``lang="de"`` and a short note
(WCAG 3.1.2, language of parts), and so that feeds, calendars and JSON-LD name the text's real language.
"""

from django.conf import settings
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, normalize_newlines
from django.utils.translation import gettext

from .richtext import richtext_render


def _languages(obj=None) -> list[str]:
    """The active language first, then the fallback languages, as modeltranslation resolves them for ``obj``.

    A model may name its own (``fallback_languages`` in its translation options, e.g. press items: German
    pages fall back to English); otherwise German is the one fallback.
    """
    active = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    fallbacks = getattr(settings, "MODELTRANSLATION_FALLBACK_LANGUAGES", (settings.LANGUAGE_CODE,))
    own = _model_fallbacks(type(obj)) if obj is not None else None
    if own:
        fallbacks = (*own.get(active, ()), *own.get("default", ()))
    return list(dict.fromkeys([active, *fallbacks]))


def _model_fallbacks(model) -> dict | None:
    from modeltranslation.translator import NotRegistered, translator

    try:
        return getattr(translator.get_options_for_model(model), "fallback_languages", None)
    except NotRegistered:
        return None


def text_language(obj, field: str) -> str:
    """Return the language ``obj.<field>`` is shown in on a page in the active language."""
    languages = _languages(obj)
    if not hasattr(obj, f"{field}_{languages[0]}"):
        return languages[0]  # not a translated field: written in the page's language
    for code in languages:
        if getattr(obj, f"{field}_{code}", None):
            return code
    return languages[0]  # empty everywhere: nothing is shown, so nothing is in another language


def is_fallback(obj, field: str) -> bool:
    """Return whether ``obj.<field>`` is shown in another language than the page's."""
    return text_language(obj, field) != _languages(obj)[0]


def fallback_note(language: str) -> str:
    """The short note after a text in another language, written in that language: "(auf Deutsch)"."""
    if language == "en":
        return "(in English)"  # an English text on a German page (press items written in English only)
    with translation.override(language):
        return gettext("(in German)")


def translated_html(obj, field: str, *, kind: str = "text", note: bool = True, words: int = 0) -> SafeString:
    """Return ``obj.<field>`` as HTML; in another language than the page's, marked with its language and a note.

    ``kind`` is "text" (inline), "lines" (inline, line breaks kept) or "rich" (rich-text HTML, a block);
    ``words`` shortens a plain text to that many words (as the ``truncatewords`` filter). Works for
    modeltranslation fields and for models with their own ``<field>_de``/``<field>_en`` columns and a
    ``<field>`` property that falls back to German (legal pages, the site profile, membership types).
    """
    value = getattr(obj, field, "") or ""
    language = text_language(obj, field) if value else ""
    return language_marked_html(value, language, kind=kind, note=note, words=words)


def page_language() -> str:
    """Return the active language's code ("de", "en")."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def language_marked_html(
    value: str, language: str, *, kind: str = "text", note: bool = True, words: int = 0
) -> SafeString:
    """Return a text known to be written in ``language`` as HTML, marked where that is not the page's language.

    For texts whose language is decided elsewhere (a mailing is English only as a whole, when its English
    body exists); ``translated_html`` uses it for single fields.
    """
    value = value or ""
    if words and kind != "rich":
        value = Truncator(value).words(words, truncate=" …")
    if kind == "rich":
        body = richtext_render(value)
    elif kind == "lines":
        body = mark_safe(normalize_newlines(conditional_escape(value)).replace("\n", "<br>"))  # noqa: S308
    else:
        body = conditional_escape(value)
    if not value or not language or language == page_language():
        return mark_safe(body)  # noqa: S308 - escaped or sanitised above
    if kind != "rich":
        html = format_html('<span lang="{}">{}</span>', language, body)
        if note:
            html += format_html(
                ' <small class="translation-note" lang="{}">{}</small>', language, fallback_note(language)
            )
        return html
    html = format_html('<div lang="{}">{}', language, body)
    if note:
        html += format_html('<p class="small translation-note">{}</p>', fallback_note(language))
    return html + mark_safe("</div>")


class LabelText(str):
    """A translated text as a plain string (e.g. a choice label) that knows its language, for ``lang``."""

    language: str = ""


def translated_label(obj, field: str) -> LabelText:
    """Return ``obj.<field>`` as a string whose ``language`` is set where it is a fallback in another language."""
    label = LabelText(getattr(obj, field, "") or "")
    if label and is_fallback(obj, field):
        label.language = text_language(obj, field)
    return label
