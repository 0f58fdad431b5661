"""The one upload helper for images (logos, event and press photos).

An upload is accepted only when Pillow decodes it as a real image (never by file
name), at most 5 MB and 40 megapixels. It is re-encoded, which strips metadata
(EXIF, GPS) and any payload appended to the file, and stored under a generated name.
"""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
THUMBNAIL_SIZE = (480, 480)


def image_validate(upload: UploadedFile) -> Image.Image:
    """Return the decoded image, or raise a translated ValidationError."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(_("The image is larger than 5 MB."), code="too_large")
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(_("Please upload a JPEG, PNG, WebP or GIF image."), code="format")
            if width * height > MAX_PIXELS:
                raise ValidationError(_("The image has more than 40 megapixels."), code="too_many_pixels")
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("The file is not a valid image."), code="invalid") from None
    return image


def image_reencode(image: Image.Image, *, max_size: tuple[int, int] | None = None) -> ContentFile:
    """Return the image re-encoded (PNG if it has transparency, else JPEG), metadata removed."""
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    if max_size:
        image.thumbnail(max_size)
    buffer = io.BytesIO()
    if has_alpha:
        image.save(buffer, format="PNG", optimize=True)
        ext = "png"
    else:
        image.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
        ext = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{ext}")


def image_process_upload(upload: UploadedFile) -> tuple[ContentFile, ContentFile]:
    """Validate an upload and return (full image, thumbnail) as new files with generated names."""
    image = image_validate(upload)
    return image_reencode(image, max_size=(2400, 2400)), image_reencode(image, max_size=THUMBNAIL_SIZE)


def validate_image_upload(upload: UploadedFile) -> None:
    """Form/model field validator form of image_validate."""
    image_validate(upload)
    upload.seek(0)
