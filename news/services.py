"""Writes of press items: saving with validation, search index, images and attachments."""

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from swsdigital.core.images import image_process_upload

from .models import NewsAttachment, NewsImage, NewsItem, Topic


def _vector(language: str, config: str) -> SearchVector:
    return (
        SearchVector(f"title_{language}", weight="A", config=config)
        + SearchVector(f"lead_{language}", weight="B", config=config)
        + SearchVector("dateline_place", weight="B", config=config)
        + SearchVector(f"body_{language}", weight="C", config=config)
    )


def news_item_search_refresh(*, item_ids: list[int]) -> None:
    """Recompute the stored full-text vectors of some items (PostgreSQL only), one per language.

    The German texts with the German configuration, the English texts with the English one; an item without
    English text gets an empty English vector (the English search also looks at the German one).
    """
    if not settings.IS_POSTGRES or not item_ids:
        return
    NewsItem.objects.filter(pk__in=item_ids).update(
        search_vector=_vector("de", "german"), search_vector_en=_vector("en", "english")
    )


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:180] or "meldung"
    slug, n = base, 2
    while NewsItem.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def news_item_save(*, item: NewsItem, topics: list[Topic] | None = None) -> NewsItem:
    """Validate and save an item (new or changed), set its topics and refresh its search vector."""
    if not item.slug:
        item.slug = _unique_slug(item.title, exclude_pk=item.pk)
    item.full_clean()
    item.save()
    if topics is not None:
        item.topics.set(topics)
    news_item_search_refresh(item_ids=[item.pk])
    return item


@transaction.atomic
def news_item_create(
    *,
    title: str,
    lead: str,
    body: str = "",
    kind: str = NewsItem.Kind.PRESS_RELEASE,
    dateline_place: str = "",
    published_at=None,
    status: str = NewsItem.Status.DRAFT,
    slug: str = "",
    topics: list[Topic] | None = None,
    press_contact=None,
    author=None,
    title_en: str = "",
    lead_en: str = "",
    body_en: str = "",
    german_only: bool = False,
) -> NewsItem:
    """Create an item (German texts, English ones if given); a future publication time keeps a published item
    hidden until then."""
    item = NewsItem(
        title_de=title,
        lead_de=lead,
        body_de=body,
        title_en=title_en,
        lead_en=lead_en,
        body_en=body_en,
        german_only=german_only,
        kind=kind,
        dateline_place=dateline_place,
        published_at=published_at or timezone.now(),
        status=status,
        slug=slug,
        press_contact=press_contact,
        author=author,
    )
    return news_item_save(item=item, topics=topics)


@transaction.atomic
def news_item_publish(*, item: NewsItem, at=None) -> NewsItem:
    """Publish an item now, or schedule it for a later time (embargo)."""
    item.status = NewsItem.Status.PUBLISHED
    if at is not None:
        item.published_at = at
    return news_item_save(item=item)


@transaction.atomic
def news_item_unpublish(*, item: NewsItem) -> NewsItem:
    """Take an item back to draft; it disappears from lists, feeds and the sitemap."""
    item.status = NewsItem.Status.DRAFT
    return news_item_save(item=item)


@transaction.atomic
def news_image_set_file(*, image: NewsImage, upload: UploadedFile) -> NewsImage:
    """Store an upload as the image (re-encoded, metadata removed) plus a thumbnail, then save."""
    full, thumbnail = image_process_upload(upload)
    image.image.save(full.name, full, save=False)
    image.thumbnail.save(thumbnail.name, thumbnail, save=False)
    image.full_clean(exclude=["image"])
    image.save()
    return image


@transaction.atomic
def news_image_add(
    *, item: NewsItem, upload: UploadedFile, alt_text: str, caption: str = "", credit: str = "", position: int = 0
) -> NewsImage:
    """Attach a photo to an item through the shared upload helper."""
    image = NewsImage(item=item, alt_text_de=alt_text, caption_de=caption, credit=credit, position=position)
    return news_image_set_file(image=image, upload=upload)


@transaction.atomic
def news_attachment_save(*, attachment: NewsAttachment) -> NewsAttachment:
    """Validate and save a download, recording its size."""
    attachment.full_clean()
    if attachment.file:
        attachment.size = attachment.file.size
    attachment.save()
    return attachment
