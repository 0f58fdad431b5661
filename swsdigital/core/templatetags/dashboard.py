from django import template

from swsdigital.core.dashboard import dashboard_for

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_panels(context):
    """Return the admin start page's panels for the logged-in staff member."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return dashboard_for(user) if user is not None and user.is_authenticated else []
