from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "members"

urlpatterns = [
    path(_("members/"), views.directory, name="directory"),
    path(_("join/"), views.join, name="join"),
]
