"""The one upload helper for images (logos, event and press photos).

An upload is accepted only when Pillow decodes it as a real image (never by file
name), at most 5 MB and 40 megapixels. It is re-encoded, which strips metadata
(EXIF, GPS) and any payload appended to the file, and stored under a generated name.
Forms take uploads with ``ImageUploadField``, so that the person reads what is wrong.
"""

import io
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
THUMBNAIL_SIZE = (480, 480)
FORMAT_MESSAGE = _("Please upload a JPEG, PNG, WebP or GIF image.")


def image_validate(upload: UploadedFile) -> Image.Image:
    """Return the decoded image, or raise a translated ValidationError that says what is wrong."""
    # The codes are our own: a form field puts its own message on a validator error whose code it knows
    # (FileField's "invalid" read "No file was submitted. Check the encoding type on the form.").
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(_("The image is larger than 5 MB."), code="image_too_large")
    too_many_pixels = ValidationError(
        _("The image is too large (at most 40 megapixels)."), code="image_too_many_pixels"
    )
    formats = sorted(ALLOWED_FORMATS)  # only these decoders ever see an upload
    upload.seek(0)
    try:
        with Image.open(upload, formats=formats) as probe:  # reads the header, not the pixels
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise too_many_pixels
            probe.verify()
        upload.seek(0)
        image = Image.open(upload, formats=formats)
        image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours, met before the size is read
        raise too_many_pixels from None
    except UnidentifiedImageError:  # SVG, PDF, text named .png, BMP ...: no decoder of ours recognises it
        raise ValidationError(FORMAT_MESSAGE, code="image_format") from None
    except (OSError, SyntaxError, ValueError, EOFError):  # recognised, but truncated or broken
        raise ValidationError(
            _("The image file is damaged or incomplete. Please save it again and upload it once more."),
            code="image_damaged",
        ) from None
    return image


def image_crop_to_focus(image: Image.Image, *, size: tuple[int, int], focal: tuple[int, int] = (50, 50)) -> Image.Image:
    """Return the largest part of the image with the proportions of size, centred on the focal point (percent
    from the left and from the top) as far as the edges allow, scaled down to size."""
    width, height = image.size
    target_w, target_h = size
    # The crop keeps the full width or the full height, whichever the proportions allow.
    crop_w, crop_h = width, max(round(width * target_h / target_w), 1)
    if crop_h > height:
        crop_w, crop_h = max(round(height * target_w / target_h), 1), height
    fx, fy = (min(max(value, 0), 100) / 100 for value in focal)
    left = min(max(round(fx * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(fy * height - crop_h / 2), 0), height - crop_h)
    image = image.crop((left, top, left + crop_w, top + crop_h))
    if crop_w > target_w:  # never enlarged: a small image stays sharp, in the same proportions
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


def image_reencode(
    image: Image.Image,
    *,
    max_size: tuple[int, int] | None = None,
    crop: tuple[int, int] | None = None,
    focal: tuple[int, int] = (50, 50),
) -> ContentFile:
    """Return the image re-encoded (PNG if it has transparency, else JPEG), metadata removed; with crop, cut to
    those proportions around the focal point."""
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    if crop:
        image = image_crop_to_focus(image, size=crop, focal=focal)
    elif max_size:
        image.thumbnail(max_size)
    buffer = io.BytesIO()
    if has_alpha:
        image.save(buffer, format="PNG", optimize=True)
        ext = "png"
    else:
        image.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
        ext = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{ext}")


def image_process_upload(
    upload: UploadedFile, *, crop: tuple[int, int] | None = None, focal: tuple[int, int] = (50, 50)
) -> tuple[ContentFile, ContentFile]:
    """Validate an upload and return (full image, thumbnail) as new files with generated names; the thumbnail
    fits in THUMBNAIL_SIZE, or with crop has exactly those proportions, cut around the focal point."""
    image = image_validate(upload)
    full = image_reencode(image, max_size=(2400, 2400))
    return full, image_reencode(image, max_size=THUMBNAIL_SIZE, crop=crop, focal=focal)


def image_thumbnail_from_stored(file, *, crop: tuple[int, int], focal: tuple[int, int] = (50, 50)) -> ContentFile:
    """Return a new thumbnail of an image stored earlier by image_process_upload (after a new focal point)."""
    with file.storage.open(file.name, "rb") as stored, Image.open(stored, formats=sorted(ALLOWED_FORMATS)) as image:
        image.load()
        return image_reencode(image, crop=crop, focal=focal)


def validate_image_upload(upload: UploadedFile) -> None:
    """Form/model field validator form of image_validate."""
    image_validate(upload)
    upload.seek(0)


class ImageUploadField(forms.ImageField):
    """An image upload checked by image_validate, whose message reaches the person unchanged.

    Django's ImageField answers every file Pillow cannot open (an SVG, a decompression bomb, text named
    .png) with one vague message of its own before any validator runs; this field checks with ours.
    """

    default_validators = []  # the name is never trusted or kept (the stored file gets a generated one)

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)  # "no file", "empty" ...; skips ImageField's own check
        if upload is None:
            return None
        image_validate(upload)
        upload.seek(0)
        return upload

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ",".join(f"image/{fmt.lower()}" for fmt in sorted(ALLOWED_FORMATS))
        return attrs


# For ModelAdmin.formfield_overrides: every ImageField of a model in the admin takes uploads like the public forms.
IMAGE_FORMFIELD_OVERRIDES = {models.ImageField: {"form_class": ImageUploadField}}
