"""The shared image upload helper: real images only, size limits, metadata stripped."""

import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from swsdigital.core import images
from tests.uploads import png_bomb


def _jpeg_with_exif() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (1200, 800), (200, 30, 30))
    exif = image.getexif()
    exif[0x010E] = "Geheime Beschreibung"  # ImageDescription
    exif[0x013B] = "Max Mustermann"  # Artist
    exif[0x0112] = 1  # Orientation
    image.save(buffer, format="JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def test_real_image_is_accepted_and_reencoded_without_exif():
    original = _jpeg_with_exif()
    assert b"Geheime Beschreibung" in original
    upload = SimpleUploadedFile("foto.jpg", original + b"<script>payload</script>", content_type="image/jpeg")
    full, thumbnail = images.image_process_upload(upload)
    for part in (full, thumbnail):
        data = part.read()
        assert b"Geheime Beschreibung" not in data and b"payload" not in data
        with Image.open(io.BytesIO(data)) as decoded:
            assert decoded.format == "JPEG"
            assert not decoded.getexif()
    assert full.name.endswith(".jpg") and full.name != "foto.jpg" and len(full.name) == 36
    with Image.open(io.BytesIO(thumbnail.open().read())) as thumb:
        assert max(thumb.size) <= images.THUMBNAIL_SIZE[0]


def test_transparent_png_stays_png():
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(buffer, format="PNG")
    full, _thumb = images.image_process_upload(SimpleUploadedFile("a.png", buffer.getvalue()))
    assert full.name.endswith(".png")


@pytest.mark.parametrize(
    "content",
    [b"<?php system($_GET['c']); ?>", b"%PDF-1.4 not an image", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b""],
)
def test_non_image_named_png_is_rejected(content):
    upload = SimpleUploadedFile("logo.png", content, content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        images.validate_image_upload(upload)
    assert exc.value.code == "image_format"


def test_file_over_5_mb_is_rejected():
    upload = SimpleUploadedFile("big.jpg", b"\xff" * (images.MAX_BYTES + 1), content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        images.image_validate(upload)
    assert exc.value.code == "image_too_large"


def test_image_over_40_megapixels_is_rejected():
    buffer = io.BytesIO()
    Image.new("1", (8000, 5001)).save(buffer, format="PNG")  # 40,008,000 pixels, a few KB as PNG
    assert buffer.tell() < images.MAX_BYTES
    with pytest.raises(ValidationError) as exc:
        images.image_validate(SimpleUploadedFile("huge.png", buffer.getvalue()))
    assert exc.value.code == "image_too_many_pixels"


def test_unsupported_format_is_rejected():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="BMP")
    with pytest.raises(ValidationError) as exc:
        images.image_validate(SimpleUploadedFile("x.bmp", buffer.getvalue()))
    assert exc.value.code == "image_format"


def test_decompression_bomb_is_refused_as_too_large():
    """900 megapixels declared: Pillow's own bomb check fires first; the person reads our size limit."""
    with pytest.raises(ValidationError) as exc:
        images.image_validate(SimpleUploadedFile("bomb.png", png_bomb()))
    assert exc.value.code == "image_too_many_pixels"


def test_truncated_image_is_refused_as_damaged():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 20, 30)).save(buffer, format="PNG")
    with pytest.raises(ValidationError) as exc:
        images.image_validate(SimpleUploadedFile("cut.png", buffer.getvalue()[:-40]))
    assert exc.value.code == "image_damaged"


@pytest.mark.parametrize("code", ["image_format", "image_too_large", "image_too_many_pixels", "image_damaged"])
def test_no_code_collides_with_a_form_field_message(code):
    """A field replaces the message of a validator error whose code it knows ("invalid": "No file was submitted")."""
    for field in (forms.FileField(), forms.ImageField(), images.ImageUploadField()):
        assert code not in field.error_messages
