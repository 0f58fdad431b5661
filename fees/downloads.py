"""One way the fees app hands out a private file: as an attachment, never kept by a cache."""

from django.http import HttpResponse


def private_download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """Return ``content`` as a download named ``filename`` that no shared or browser cache stores."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
