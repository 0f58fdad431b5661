"""Reads of press releases and news for views and other apps."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Case, F, Min, Prefetch, Q, QuerySet, When
from django.utils.translation import get_language

from events.selectors import events_public_plain

from .models import NewsAttachment, NewsImage, NewsItem, Topic


@dataclass(frozen=True)
class NewsFilters:
    """What a visitor narrowed the press list to; empty values mean no filter."""

    kind: str = ""
    topic: str = ""
    year: int | None = None
    q: str = ""


def _with_card_data(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(
        Prefetch("images", queryset=NewsImage.objects.order_by("position", "pk")),
        Prefetch("topics", queryset=Topic.objects.order_by("name_de")),
    )


def news_visible(*, now: datetime | None = None) -> QuerySet:
    """Return published items whose publication time has come, newest first."""
    return NewsItem.objects.visible(now=now).order_by("-published_at", "-pk")


def news_next_change(now: datetime) -> datetime | None:
    """Return the next embargo to lift: the earliest publication time after now of a published item."""
    return NewsItem.objects.filter(status=NewsItem.Status.PUBLISHED, published_at__gt=now).aggregate(
        next=Min("published_at")
    )["next"]


def news_latest(*, limit: int | None = None, now: datetime | None = None) -> list[NewsItem]:
    """Return the latest published, due items, newest first, with images and topics prefetched."""
    qs = _with_card_data(news_visible(now=now))
    if limit is not None:
        qs = qs[:limit]
    return list(qs)


# Plain-text markers around matched words; the template escapes the lead, then turns them into <mark>.
HIGHLIGHT_START, HIGHLIGHT_STOP = "[[[", "]]]"


def _headline(field: str, query: SearchQuery, config: str) -> SearchHeadline:
    return SearchHeadline(
        field, query, config=config, start_sel=HIGHLIGHT_START, stop_sel=HIGHLIGHT_STOP, highlight_all=True
    )


def _search(qs: QuerySet, q: str) -> QuerySet:
    if settings.IS_POSTGRES:
        german = SearchQuery(q, config="german", search_type="websearch")
        if get_language() != "en":
            return (
                qs.filter(search_vector=german)
                .annotate(
                    rank=SearchRank(F("search_vector"), german), lead_highlighted=_headline("lead_de", german, "german")
                )
                .order_by("-rank", "-published_at", "-pk")
            )
        # English pages: English stemming on the English texts; items shown in German (no English text yet)
        # are found by their German text, as on the German pages.
        english = SearchQuery(q, config="english", search_type="websearch")
        has_english = ~Q(lead_en="") & Q(lead_en__isnull=False)
        return (
            qs.filter(Q(search_vector_en=english) | (~has_english & Q(search_vector=german)))
            .annotate(
                rank=Case(
                    When(has_english, then=SearchRank(F("search_vector_en"), english)),
                    default=SearchRank(F("search_vector"), german),
                ),
                lead_highlighted=Case(
                    When(has_english, then=_headline("lead_en", english, "english")),
                    default=_headline("lead_de", german, "german"),
                ),
            )
            .order_by("-rank", "-published_at", "-pk")
        )
    words = q.split()
    for word in words[:10]:
        qs = qs.filter(
            Q(title_de__icontains=word)
            | Q(title_en__icontains=word)
            | Q(lead_de__icontains=word)
            | Q(lead_en__icontains=word)
            | Q(body_de__icontains=word)
            | Q(body_en__icontains=word)
        )
    return qs


def news_search(*, filters: NewsFilters, now: datetime | None = None) -> QuerySet:
    """Return visible items matching the filters (ranked by relevance when searching on PostgreSQL)."""
    qs = news_visible(now=now)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.topic:
        qs = qs.filter(topics__slug=filters.topic)
    if filters.year:
        qs = qs.filter(published_at__year=filters.year)
    if filters.q.strip():
        qs = _search(qs, filters.q.strip())
    return _with_card_data(qs)


def news_years(*, now: datetime | None = None) -> list[int]:
    """Return the years that have visible items, newest first."""
    return [d.year for d in news_visible(now=now).datetimes("published_at", "year", order="DESC")]


def topics_all() -> list[Topic]:
    """Return every topic, alphabetically."""
    return list(Topic.objects.order_by("name_de"))


def topic_get(*, slug: str) -> Topic | None:
    """Return the topic with this slug, or None."""
    return Topic.objects.filter(slug=slug).first()


def news_detail_get(*, slug: str, now: datetime | None = None) -> NewsItem | None:
    """Return a visible item with everything its page shows, or None (also while embargoed)."""
    return _detail_qs(news_visible(now=now)).filter(slug=slug).first()


def news_preview_get(*, pk: int) -> NewsItem | None:
    """Return any item, published or not, for the staff preview."""
    return _detail_qs(NewsItem.objects.all()).filter(pk=pk).first()


def news_item_files(*, item: NewsItem) -> tuple[list[NewsImage], list[NewsAttachment]]:
    """Return a stored item's images, in order, and attachments (the admin's preview of unsaved changes)."""
    return list(item.images.order_by("position", "pk")), list(item.attachments.all())


def _detail_qs(qs: QuerySet) -> QuerySet:
    return _with_card_data(qs.select_related("press_contact", "author")).prefetch_related(
        "attachments",
        # Only events the public may see; drafts linked in the admin stay hidden.
        Prefetch("related_events", queryset=events_public_plain(), to_attr="related_events_public"),
    )


def news_for_topic(*, topic: Topic | None, limit: int = 30, now: datetime | None = None) -> list[NewsItem]:
    """Return the latest visible items (of one topic, if given) for a feed."""
    qs = news_visible(now=now)
    if topic is not None:
        qs = qs.filter(topics=topic)
    return list(_with_card_data(qs.select_related("press_contact", "author"))[:limit])
