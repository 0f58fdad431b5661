"""Uploads that must be refused with a message that says why: an SVG, a decompression bomb, text named .png."""

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

FORMAT_DE = "Bitte laden Sie ein Bild im Format JPEG, PNG, WebP oder GIF hoch."
FORMAT_EN = "Please upload a JPEG, PNG, WebP or GIF image."
PIXELS_DE = "Das Bild ist zu groß (höchstens 40 Megapixel)."
PIXELS_EN = "The image is too large (at most 40 megapixels)."
# Django's own messages: FileField's (which the public forms showed for all three) and ImageField's (the admin).
MISLEADING = ("Es wurde keine Datei übertragen", "No file was submitted", "Bitte ein gültiges Bild hochladen")

SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><script>alert(1)</script>'
    b'<rect width="40" height="40" fill="#0f2a3d"/></svg>\n'
)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid PNG header declaring width × height pixels (900 megapixels) in a few dozen bytes."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _chunk(b"IEND", b"")
    )


# (id, file name, content, content type, German message, English message)
BAD_UPLOADS = [
    ("svg", "logo.svg", SVG, "image/svg+xml", FORMAT_DE, FORMAT_EN),
    ("bomb", "bomb.png", png_bomb(), "image/png", PIXELS_DE, PIXELS_EN),
    ("text-named-png", "logo.png", b"Dies ist kein Bild, nur Text.\n" * 20, "image/png", FORMAT_DE, FORMAT_EN),
]
BAD_UPLOAD_IDS = [case[0] for case in BAD_UPLOADS]


def bad_upload(case) -> SimpleUploadedFile:
    _id, name, content, content_type, _de, _en = case
    return SimpleUploadedFile(name, content, content_type=content_type)


def expected_message(case, language: str) -> str:
    return case[4] if language == "de" else case[5]
