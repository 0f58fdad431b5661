from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "events"

urlpatterns = [
    path(_("events/"), views.event_list, name="list"),
    path(_("events/calendar/"), views.event_calendar, name="calendar"),
    path(_("events/archive/"), views.event_archive, name="archive"),
    path(_("events/feed.ics"), views.event_feed, name="feed"),
    path(_("events/my-registrations/"), views.my_registrations, name="my_registrations"),
    path(_("events/registration/<str:token>/"), views.registration_detail, name="registration"),
    path(_("events/registration/<str:token>/cancel/"), views.registration_cancel, name="registration_cancel"),
    path(_("events/registration/<str:token>/calendar.ics"), views.registration_ics, name="registration_ics"),
    path(_("events/check-in/<str:token>/"), views.checkin, name="checkin"),
    path(_("events/<slug:slug>/"), views.event_detail, name="detail"),
    path(_("events/<slug:slug>/calendar.ics"), views.event_ics_download, name="ics"),
]
