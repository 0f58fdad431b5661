"""Refuse requests with a NUL character in the path or the query string with the portal's own 400 page.

No address or query parameter of the portal ever contains NUL, but much beneath the views trips over one:
the file system (``ValueError: embedded null character``) and PostgreSQL (``A string literal cannot contain
NUL``). The views guard their own input as well; this is the net under them, for every view at once,
including the admin's and allauth's.
"""

from django.core.exceptions import BadRequest

NUL = "\x00"


def has_nul(request) -> bool:
    """Return whether the decoded path or any query key or value contains NUL."""
    if NUL in request.path_info or NUL in request.path:
        return True
    return any(NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists())


class NulGuardMiddleware:
    """Answer 400 before any view, cache or session sees a NUL character from the address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            # Raised, not returned: Django's handler renders 400.html in the page's language (the
            # middleware sits after LocaleMiddleware) and logs it like any other bad request.
            raise BadRequest("NUL character in the address")
        return self.get_response(request)
