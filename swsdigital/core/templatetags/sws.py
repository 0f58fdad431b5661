"""Template helpers shared by every app."""

from django import forms, template
from django.utils.http import urlencode

from swsdigital.core.money import money_format
from swsdigital.core.richtext import richtext_render
from swsdigital.core.translated import language_marked_html, text_language, translated_html

register = template.Library()


@register.filter(name="richtext")
def richtext_filter(html: str):
    """Render text from the rich-text editor, sanitised again on the way out."""
    return richtext_render(html)


@register.filter(name="money")
def money_filter(amount) -> str:
    """Show an amount in euros in the active language ("1.800,00 €", "€1,800.00")."""
    return money_format(amount)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """Return the current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"


@register.filter
def is_checkbox(field) -> bool:
    """Return whether a bound field renders as a single checkbox."""
    return getattr(field.field.widget, "input_type", "") == "checkbox"


@register.filter
def bootstrap_widget(field):
    """Render a bound field's widget with Bootstrap classes, tied to its help text and errors by aria attributes."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    if input_type in ("checkbox", "radio"):
        css = "form-check-input"
    elif input_type == "select" or isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def translated(obj, field: str, kind: str = "text", note: bool = True, words: int = 0):
    """Render a translated text; a fallback in another language is marked with lang="de" and "(auf Deutsch)".

    ``{% translated event "title" %}``, ``{% translated event "description" "rich" %}`` (rich text, as a block),
    ``{% translated venue "accessibility" "lines" %}``; ``note=False`` leaves out the note (e.g. in a breadcrumb);
    ``words=30`` shortens a plain text.
    """
    return translated_html(obj, field, kind=kind, note=note, words=words)


@register.simple_tag
def in_language(value: str, language: str, kind: str = "text", note: bool = True, words: int = 0):
    """Render a text written in ``language``, marked as ``{% translated %}`` marks a fallback where it is not the
    page's language: ``{% in_language subject content_language %}`` (a mailing's language is decided as a whole).
    """
    return language_marked_html(value, language, kind=kind, note=note, words=words)


@register.simple_tag
def text_lang(obj, field: str) -> str:
    """The language ``obj.<field>`` is shown in on this page: ``{% text_lang item "lead" as lead_language %}``."""
    return text_language(obj, field)
