"""Press room pages: list with filters and search, detail, staff preview."""

from django.http import Http404
from django.shortcuts import render

from swsdigital.core.admin_preview import PreviewInstance, PreviewRelated
from swsdigital.core.pagecache import page_cached
from swsdigital.core.pagination import paginate
from swsdigital.core.staff import staff_required

from . import selectors
from .forms import NewsFilterForm

PER_PAGE = 12


@page_cached(sections=("press",))
def news_list(request):
    topics = selectors.topics_all()
    form = NewsFilterForm(request.GET or None, topics=topics, years=selectors.news_years())
    filters = form.filters() if request.GET else selectors.NewsFilters()
    page_obj = paginate(selectors.news_search(filters=filters), page=request.GET.get("page"), per_page=PER_PAGE)
    topic = next((t for t in topics if t.slug == filters.topic), None)
    context = {"form": form, "filters": filters, "page_obj": page_obj, "items": page_obj.object_list, "topic": topic}
    return render(request, "news/news_list.html", context)


@page_cached(sections=("press", "events"))
def news_detail(request, slug: str):
    item = selectors.news_detail_get(slug=slug)
    if item is None:
        raise Http404
    return render(request, "news/news_detail.html", {"item": item, "preview": False})


@staff_required("news.view_newsitem")
def news_preview(request, pk: int):
    item = selectors.news_preview_get(pk=pk)
    if item is None:
        raise Http404
    response = render(request, "news/news_detail.html", {"item": item, "preview": True})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def news_preview_context(item, *, topics, related_events) -> dict:
    """Return the detail page's context for an unsaved item: the form's topics and events, the stored files."""
    if not item.slug:
        item.slug = "vorschau"  # not typed yet; the page's own links need one
    images, attachments = selectors.news_item_files(item=item) if item.pk else ([], [])
    preview = PreviewInstance(
        item,
        topics=PreviewRelated(topics),
        images=PreviewRelated(images),
        attachments=PreviewRelated(attachments),
        cover=images[0] if images else None,
        # As on the public page: only events the public may see.
        related_events_public=sorted((e for e in related_events if e.is_public), key=lambda e: (e.start, e.pk)),
    )
    return {"item": preview, "preview": True}
