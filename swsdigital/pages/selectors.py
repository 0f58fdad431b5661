"""Reads for the site frame and the home page; the only place in swsdigital/ that asks domain apps."""

from django.core.cache import cache

from .models import LegalPage, SiteProfile

_PROFILE_CACHE_KEY = "pages:site-profile:v1"


def site_profile_get() -> SiteProfile:
    """Return the association profile (cached; an unsaved default if none exists yet)."""
    profile = cache.get(_PROFILE_CACHE_KEY)
    if profile is None:
        profile = SiteProfile.objects.first() or SiteProfile()
        cache.set(_PROFILE_CACHE_KEY, profile, 300)
    return profile


def site_profile_cache_clear() -> None:
    """Forget the cached profile (after staff saved it)."""
    cache.delete(_PROFILE_CACHE_KEY)


def legal_page_get(*, kind: str) -> LegalPage | None:
    """Return the legal page of a kind, or None if staff have not written it yet."""
    return LegalPage.objects.filter(kind=kind).first()


def home_sections() -> dict:
    """Return what the home page shows, each part from its own app's selectors."""
    from events.selectors import events_upcoming, events_with_state
    from members.selectors import member_count
    from news.selectors import news_latest

    profile = site_profile_get()
    members = member_count()
    return {
        "events": events_with_state(events_upcoming(limit=3)),
        "news": list(news_latest(limit=3)),
        "figures": {
            "members": members or profile.members_count_fallback,
            "contacts": profile.contacts_count,
            "participants": profile.participants_count,
        },
    }
