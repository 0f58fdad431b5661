"""Markdown to safe HTML: rendered with Python-Markdown, sanitised with nh3 (ammonia)."""

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


def render_markdown(text: str, *, line_breaks: bool = False) -> SafeString:
    """Return sanitised HTML for Markdown text: no script, no style, no event handlers.

    With ``line_breaks`` every line break in the text is a line break in the HTML (not Markdown's soft break).
    """
    extensions = ["extra", "sane_lists", *(["nl2br"] if line_breaks else [])]
    html = md.markdown(text or "", extensions=extensions, output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 above
