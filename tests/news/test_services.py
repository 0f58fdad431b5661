"""Services of the press room: validation, slugs, publication, images through the shared helper."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from news import services
from news.models import NewsAttachment, NewsItem

from .conftest import jpeg_upload


def test_create_generates_a_unique_slug(make_item):
    first = make_item("Digitaler Gipfel in Plauen")
    second = make_item("Digitaler Gipfel in Plauen")
    assert first.slug == "digitaler-gipfel-in-plauen"
    assert second.slug == "digitaler-gipfel-in-plauen-2"


def test_reserved_slug_is_refused_with_a_message(make_item):
    with pytest.raises(ValidationError) as info:
        make_item("Feeds", slug="feeds")
    assert "reserviert" in str(info.value)  # German is the default language


def test_lead_is_required(db):
    with pytest.raises(ValidationError) as info:
        services.news_item_create(title="Ohne Vorspann", lead="")
    assert "lead" in info.value.message_dict


def test_new_items_are_drafts_by_default(db):
    item = services.news_item_create(title="Entwurf", lead="Noch nicht fertig.")
    assert item.status == NewsItem.Status.DRAFT
    assert not item.is_visible


def test_publish_with_a_future_time_schedules_the_item(make_item):
    item = make_item("Sperrfrist", status=NewsItem.Status.DRAFT)
    later = timezone.now() + timedelta(days=2)
    services.news_item_publish(item=item, at=later)
    item.refresh_from_db()
    assert item.status == NewsItem.Status.PUBLISHED
    assert item.is_embargoed and not item.is_visible
    services.news_item_unpublish(item=item)
    item.refresh_from_db()
    assert item.status == NewsItem.Status.DRAFT


def test_image_goes_through_the_upload_helper(make_item, media_root):
    item = make_item()
    upload = jpeg_upload(size=(3000, 2000))
    image = services.news_image_add(
        item=item, upload=upload, alt_text="Podium", credit="Jana Beispiel (SWS Digital e.V.)"
    )
    image.refresh_from_db()
    assert image.image.name.startswith("news/images/") and not image.image.name.endswith("photo.jpg")
    assert (image.width, image.height) == (2400, 1600)  # re-encoded, limited to 2400 px
    with Image.open(image.thumbnail.path) as thumb:
        assert max(thumb.size) <= 480
    assert item.cover == image


def test_a_fake_image_is_refused_with_a_translated_message(make_item, media_root):
    item = make_item()
    fake = SimpleUploadedFile("evil.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as info:
        services.news_image_add(item=item, upload=fake, alt_text="x")
    # German is the default language.
    assert info.value.messages == ["Bitte laden Sie ein Bild im Format JPEG, PNG, WebP oder GIF hoch."]


def test_attachment_records_its_size_and_refuses_executables(make_item, media_root):
    item = make_item()
    ok = NewsAttachment(item=item, title="Pressemappe", file=SimpleUploadedFile("mappe.pdf", b"%PDF-1.4 demo"))
    services.news_attachment_save(attachment=ok)
    assert ok.size == len(b"%PDF-1.4 demo")
    assert ok.extension == "PDF"
    bad = NewsAttachment(item=item, title="Tool", file=SimpleUploadedFile("tool.exe", b"MZ"))
    with pytest.raises(ValidationError):
        services.news_attachment_save(attachment=bad)
