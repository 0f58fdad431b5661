"""The site frame's data: profile and the same page in the other language."""

from django.conf import settings
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.translation import override

from .selectors import site_profile_get


def _alternate_url(request, code: str) -> str:
    """Return this page in the language `code`, or that language's home page; always a same-origin path.

    Only a path that resolves to one of our views is translated: an unknown path (a 404 such as
    ``//evil.example``) would otherwise come back unchanged and point the switch off-site.
    """
    resolved = getattr(request, "resolver_match", None) is not None
    if not resolved:
        try:
            resolve(request.path_info)
            resolved = True
        except Resolver404:
            pass
    url = translate_url(request.get_full_path(), code) if resolved else ""
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        with override(code):
            url = reverse("pages:home")
    return url


def site(request) -> dict:
    alternates = [
        {"code": code, "name": name, "url": _alternate_url(request, code)} for code, name in settings.LANGUAGES
    ]
    profile = site_profile_get()
    # Templates read the association as `site_profile`: a view's own context wins over a context processor,
    # and Django's and allauth's account views put the request host there as `site` ("Anmelden – 127.0.0.1").
    # `site` stays for templates not yet moved over; on those account pages it is the host.
    return {
        "site_profile": profile,
        "site": profile,
        "language_alternates": alternates,
        "site_url": settings.SITE_URL,
    }
