"""The site frame's data: profile and the same page in the other language."""

from django.conf import settings
from django.urls import translate_url

from .selectors import site_profile_get


def site(request) -> dict:
    path = request.get_full_path()
    alternates = [{"code": code, "name": name, "url": translate_url(path, code)} for code, name in settings.LANGUAGES]
    return {"site": site_profile_get(), "language_alternates": alternates, "site_url": settings.SITE_URL}
