"""The Markdown rendering staff texts had until the rich-text editor, frozen for the data migrations.

Only the ``*_rich_text`` migrations (events 0002, news 0004, newsletter 0004, pages 0003) use it: they turn the
Markdown stored before into the HTML it was shown as. Keep it, and Python-Markdown, as long as those migrations
exist; once they are squashed away, both can go.
"""

import re

import markdown as md
import nh3

# The allow-list of swsdigital/core/markdown.py as it was: what the pages showed is what the migration keeps.
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}

# HTML from the editor starts with one of its block elements; such a text is converted already.
_HTML_START = re.compile(r"\s*<(?:p|h[1-6]|ul|ol|li|blockquote|table|hr|pre|div|figure|img)[\s/>]", re.IGNORECASE)


def is_html(text: str) -> bool:
    """Whether a stored text already is HTML (starts with a block element), not Markdown."""
    return bool(_HTML_START.match(text or ""))


def markdown_to_html(text: str, *, line_breaks: bool = False) -> str:
    """Return the sanitised HTML a Markdown text was rendered as (``line_breaks``: every line break stays)."""
    extensions = ["extra", "sane_lists", *(["nl2br"] if line_breaks else [])]
    html = md.markdown(text or "", extensions=extensions, output_format="html")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def convert_fields(model, fields: tuple[str, ...], *, line_breaks: bool = False, batch_size: int = 500) -> int:
    """Convert the Markdown in some text fields of a (historical) model to HTML; return the rows changed.

    Empty texts and texts that already are HTML stay as they are, so running it twice changes nothing.
    """
    manager = model._base_manager
    pks = list(manager.order_by("pk").values_list("pk", flat=True))
    count = 0
    for start in range(0, len(pks), batch_size):
        changed = []
        for row in manager.filter(pk__in=pks[start : start + batch_size]).only("pk", *fields):
            dirty = False
            for field in fields:
                value = getattr(row, field) or ""
                if value.strip() and not is_html(value):
                    setattr(row, field, markdown_to_html(value, line_breaks=line_breaks))
                    dirty = True
            if dirty:
                changed.append(row)
        manager.bulk_update(changed, fields)
        count += len(changed)
    return count
