"""Rich text: the HTML staff write in the editor, sanitised with nh3 on save and again on render."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nh3
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.widgets import Script
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# What the editor emits (h1 is the page title, so headings start at h2) and what older texts used.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "img", "li", "ol", "p",
    "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "noopener noreferrer nofollow"

# nh3 serialises every attribute in double quotes (a quote inside is &quot;), so this matches its <img> exactly.
_IMG = re.compile(r'<img(?:\s+[a-z-]+="[^"]*")*\s*/?>')
_ALT = re.compile(r'\salt="[^"]*\S[^"]*"')
_SRC = re.compile(r'\ssrc="[^"]+"')
_EMPTY = re.compile(r"(?:\s|<p>(?:\s|<br>|&nbsp;)*</p>)*")


def _attribute_filter(base_url: str):
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("colspan", "rowspan") and value == "1":
            return None  # the editor writes colspan="1" on every cell
        if base_url and attribute in ("href", "src") and value.startswith("/") and not value.startswith("//"):
            return base_url.rstrip("/") + value  # an email has no site to be relative to
        return value

    return keep


def richtext_clean(html: str | None, *, base_url: str = "") -> str:
    """Return the HTML with only the allowed tags, attributes and URL schemes; images only with src and alt.

    With ``base_url`` relative links and image addresses become absolute (for emails).
    """
    clean = nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        attribute_filter=_attribute_filter(base_url),
    )
    clean = _IMG.sub(lambda m: m.group(0) if _ALT.search(m.group(0)) and _SRC.search(m.group(0)) else "", clean)
    return "" if _EMPTY.fullmatch(clean) else clean.strip()


def richtext_render(html: str | None, *, base_url: str = "") -> SafeString:
    """Return sanitised HTML, safe to put into a page or an email."""
    return mark_safe(richtext_clean(html, base_url=base_url))  # noqa: S308 - sanitised by nh3 above


class _ImageFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.missing: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = dict(attrs)
            if not (values.get("alt") or "").strip():
                self.missing.append(values.get("src") or "")

    handle_startendtag = handle_starttag


def _image_name(src: str) -> str:
    if src.startswith("data:"):
        return str(_("(embedded image)"))
    name = unquote(urlsplit(src).path.rstrip("/").rsplit("/", 1)[-1])
    return name[:80] or src[:80] or str(_("(without address)"))


def richtext_validate_images(html: str | None) -> None:
    """Reject HTML with an image that has no alternative text, naming the image."""
    finder = _ImageFinder()
    finder.feed(html or "")
    finder.close()
    if finder.missing:
        raise ValidationError(
            [
                ValidationError(
                    _("The image %(image)s has no alternative text. Please describe it for people who cannot see it."),
                    code="image_alt",
                    params={"image": _image_name(src)},
                )
                for src in finder.missing
            ]
        )


# -- The editor ---------------------------------------------------------------------------------------------------

# The editor's own English words (menu titles and dialogs), in the staff member's language.
EDITOR_LABELS = {
    "paragraph": _("Paragraph"),
    "Paragraph": _("Paragraph"),
    "heading 2": _("Heading 2"),
    "heading 3": _("Heading 3"),
    "heading 4": _("Heading 4"),
    "Heading 2": _("Heading 2"),
    "Heading 3": _("Heading 3"),
    "Heading 4": _("Heading 4"),
    "bold": _("Bold"),
    "italic": _("Italic"),
    "unordered list": _("Bulleted list"),
    "ordered list": _("Numbered list"),
    "blockquote": _("Quote"),
    "horizontal rule": _("Horizontal line"),
    "insert link": _("Insert link"),
    "remove link": _("Remove link"),
    "undo": _("Undo"),
    "redo": _("Redo"),
    "Insert table": _("Insert table"),
    "Insert Table": _("Insert table"),
    "Table Properties": _("Table properties"),
    "Rows": _("Rows"),
    "Columns": _("Columns"),
    "Include header row": _("With header row"),
    "Yes": _("Yes"),
    "No": _("No"),
    "Add column": _("Add column"),
    "Delete column": _("Delete column"),
    "Add row": _("Add row"),
    "Delete row": _("Delete row"),
    "Toggle header cell": _("Header cell on or off"),
    "Delete table": _("Delete table"),
    "Merge cells": _("Merge cells"),
    "Split cell": _("Split cell"),
    "Edit Link": _("Edit link"),
    "URL": _("Address (URL)"),
    "Title": _("Title"),
    "Update": _("Apply"),
    "Insert": _("Insert"),
    "Cancel": _("Cancel"),
    "List properties": _("List settings"),
    "Start at": _("Start at"),
    "List type": _("List type"),
    "Decimal numbers": _("Numbers"),
}


def editor_extensions(*, tables: bool = False) -> dict:
    """Return the editor's extensions: text structure and emphasis only, no colours, fonts or images."""
    extensions = {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HorizontalRule": True,
        "HardBreak": True,  # Shift+Enter: a line break inside a paragraph (addresses, a letter's closing)
        "Link": {"enableTarget": False, "protocols": sorted(URL_SCHEMES), "defaultProtocol": "https"},
    }
    if tables:
        extensions |= {"Table": True, "TableRow": True, "TableHeader": True, "TableCell": True}
    return extensions


class RichTextWidget(forms.Textarea):
    """A textarea the editor (django-prose-editor, static/js/richtext.js) replaces; without JavaScript it stays one."""

    def __init__(self, attrs=None, *, tables: bool = False):
        super().__init__(attrs)
        self.tables = tables

    @property
    def media(self):
        return forms.Media(
            css={
                "all": [
                    "django_prose_editor/material-icons.css",
                    "django_prose_editor/editor.css",
                    "django_prose_editor/overrides.css",
                    "css/richtext.css",
                ]
            },
            js=[Script("js/richtext.js", type="module")],
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        config = {"extensions": editor_extensions(tables=self.tables)}
        context["widget"]["attrs"]["data-richtext"] = json.dumps(config, separators=(",", ":"))
        labels = {english: str(label) for english, label in EDITOR_LABELS.items()}
        context["widget"]["attrs"]["data-richtext-labels"] = json.dumps(labels, separators=(",", ":"))
        return context

    def use_required_attribute(self, initial) -> bool:
        return False  # the textarea is hidden behind the editor; a browser could not point at it


def _is_plain_textarea(widget) -> bool:
    cls = widget if isinstance(widget, type) else type(widget)
    return issubclass(cls, forms.Textarea) and not issubclass(cls, RichTextWidget)


class RichTextField(models.TextField):
    """Text with headings, lists, links and emphasis, stored as sanitised HTML; edited in the rich-text editor.

    ``tables=True`` offers tables in the editor. Migrations see a plain TextField.
    """

    def __init__(self, *args, tables: bool = False, **kwargs):
        self.tables = tables
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs

    def formfield(self, **kwargs):
        widget = kwargs.get("widget")
        if widget is None or _is_plain_textarea(widget):  # the admin passes its own textarea
            kwargs["widget"] = RichTextWidget(tables=self.tables)
        return super().formfield(**kwargs)

    def clean(self, value, model_instance):
        richtext_validate_images(value)  # before sanitising: an image without alt text is refused, not dropped
        return super().clean(richtext_clean(value), model_instance)

    def pre_save(self, model_instance, add):
        value = richtext_clean(getattr(model_instance, self.attname))
        # Not setattr: on a translated model that would write the shown (perhaps fallback) text into the
        # current language's column (django-modeltranslation's descriptor); the instance's own value is enough.
        model_instance.__dict__[self.attname] = value
        return value
