"""Writes of site content."""

from .models import SiteProfile
from .selectors import site_profile_cache_clear


def site_profile_save(*, profile: SiteProfile) -> SiteProfile:
    """Validate and save the association profile, then refresh the cached copy."""
    profile.full_clean()
    profile.save()
    site_profile_cache_clear()
    return profile
