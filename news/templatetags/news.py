"""Template helpers of the press room: schema.org markup and absolute URLs."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.safestring import mark_safe

from news.selectors import HIGHLIGHT_START, HIGHLIGHT_STOP
from swsdigital.core.translated import text_language

register = template.Library()

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def absolute(url: str) -> str:
    """Prefix a site path with SITE_URL."""
    return f"{settings.SITE_URL}{url}" if url and url.startswith("/") else url


@register.simple_tag
def news_jsonld(item) -> str:
    """Return a schema.org NewsArticle as a safe JSON-LD script element."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": item.title[:110],
        "description": item.lead,
        "datePublished": item.published_at.isoformat(),
        "dateModified": max(item.updated_at, item.published_at).isoformat(),
        "mainEntityOfPage": absolute(item.get_absolute_url()),
        "inLanguage": text_language(item, "title"),
        "publisher": {
            "@type": "Organization",
            "name": "Südwestsachsen Digital e.V.",
            "url": settings.SITE_URL,
            "logo": {"@type": "ImageObject", "url": absolute(static("img/logo.svg"))},
        },
    }
    images = [absolute(image.image.url) for image in item.images.all() if image.image]
    if images:
        data["image"] = images
    if item.dateline_place:
        data["locationCreated"] = {"@type": "Place", "name": item.dateline_place}
    if item.author_id and item.author:
        data["author"] = {"@type": "Person", "name": item.author.get_full_name()}
    else:
        data["author"] = data["publisher"]
    keywords = [t.name for t in item.topics.all()]
    if keywords:
        data["keywords"] = keywords
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above


@register.filter
def highlight_marks(text: str) -> str:
    """Escape a search headline and show its matched words as <mark>."""
    html = escape(text).replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own tags added
