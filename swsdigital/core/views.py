"""Serving uploaded files safely (images inline, everything else as a download); the liveness probe."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse

INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


@transaction.non_atomic_requests
def media_serve(request, path: str):
    """Serve a file from MEDIA_ROOT; never as HTML or script."""
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        target = (root / path).resolve()
        if root not in target.parents or not target.is_file():
            raise Http404
    except (ValueError, OSError):  # NUL in the name, a name longer than the file system allows
        raise Http404 from None
    content_type, _ = mimetypes.guess_type(target.name)
    inline = content_type in INLINE_TYPES
    if content_type == "application/pdf":
        inline = False
    response = FileResponse(
        target.open("rb"),
        content_type=content_type if inline or content_type == "application/pdf" else "application/octet-stream",
        as_attachment=not inline,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=86400"
    return response


@transaction.non_atomic_requests
def health(request):
    """Answer that the web process is up (no database, no cache: a liveness probe and the benchmark's ceiling)."""
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
