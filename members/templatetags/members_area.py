from django import template

from members.area import area_sections

register = template.Library()


@register.simple_tag
def member_area_sections():
    """Return the member area's sections registered by other apps."""
    return area_sections()
