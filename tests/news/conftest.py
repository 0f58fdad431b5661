"""Fixtures of the press room tests: topics, items via the services, images, many rows."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from news import services
from news.models import NewsImage, NewsItem, Topic
from tests.conftest import give_second_factor


def jpeg_upload(name: str = "photo.jpg", size=(800, 500), colour=(11, 93, 107)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def mint(db) -> Topic:
    return Topic.objects.create(slug="mint", name_de="MINT", name_en="STEM")


@pytest.fixture
def make_item(db):
    """Create an item through the service; published an hour ago unless told otherwise."""

    def make(title="Netzwerk wächst", **kwargs) -> NewsItem:
        kwargs.setdefault("lead", "Kurzer Vorspann zur Meldung.")
        kwargs.setdefault("status", NewsItem.Status.PUBLISHED)
        kwargs.setdefault("published_at", timezone.now() - timedelta(hours=1))
        return services.news_item_create(title=title, **kwargs)

    return make


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(email="presse@example.org", password="x" * 12)
    give_second_factor(user)
    client.force_login(user)
    return client


@pytest.fixture
def many_items(db, mint):
    """2,000 visible items, each with a topic and an image, plus a few embargoed ones."""
    other = Topic.objects.create(slug="forschung", name_de="Forschung", name_en="Research")
    now = timezone.now()
    items = NewsItem.objects.bulk_create(
        [
            NewsItem(
                title=f"Meldung {n}",
                title_en=f"Item {n}",  # an English version: each item has its English address in the sitemap
                slug=f"meldung-{n}",
                lead=f"Vorspann {n}",
                body="Text",
                kind=NewsItem.Kind.choices[n % 3][0],
                dateline_place="Plauen",
                status=NewsItem.Status.PUBLISHED,
                published_at=now - timedelta(hours=n + 1),
            )
            for n in range(2000)
        ]
    )
    through = NewsItem.topics.through
    through.objects.bulk_create(
        [through(newsitem_id=i.pk, topic_id=(mint if n % 2 else other).pk) for n, i in enumerate(items)]
    )
    NewsImage.objects.bulk_create(
        [
            NewsImage(
                item=i,
                image=f"news/images/x{n}.jpg",
                thumbnail=f"news/thumbnails/x{n}.jpg",
                alt_text="Foto",
                width=1200,
                height=675,
            )
            for n, i in enumerate(items)
        ]
    )
    services.news_item_search_refresh(item_ids=[i.pk for i in items])
    return items
