from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.subscribe, name="subscribe"),
    path(_("newsletter/thanks/"), views.subscribe_done, name="subscribe_done"),
    path(_("newsletter/confirm/<str:token>/"), views.confirm, name="confirm"),
    path(_("newsletter/preferences/<str:token>/"), views.preferences, name="preferences"),
    path(_("newsletter/unsubscribe/<str:token>/"), views.unsubscribe, name="unsubscribe"),
    path(_("newsletter/preferences/<str:token>/delete/"), views.erase, name="erase"),
    path(_("newsletter/deleted/"), views.erased, name="erased"),
    path(_("newsletter/archive/"), views.archive, name="archive"),
    path(_("newsletter/archive/<int:pk>-<slug:slug>/"), views.mailing_detail, name="mailing"),
]
