"""The sign-up form for any page (the home page box includes it without extra context)."""

from django import template
from django.utils.translation import get_language

from ..forms import SubscribeForm

register = template.Library()


@register.simple_tag
def newsletter_subscribe_form() -> SubscribeForm:
    """Return an unbound sign-up form in the current language."""
    return SubscribeForm(language=get_language() or "de")
