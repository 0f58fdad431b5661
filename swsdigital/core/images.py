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
