from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import account_views, views

app_name = "members"

urlpatterns = [
    path(_("members/"), views.directory, name="directory"),
    path(_("members/<slug:slug>/"), views.detail, name="detail"),
    path(_("join/"), views.join, name="join"),
    path(_("join/sent/"), views.join_sent, name="join_sent"),
    path(_("join/confirm/<str:token>/"), views.confirm, name="confirm"),
    path(_("join/new-link/"), views.link_resend, name="link_resend"),
    path(_("account/"), views.account, name="account"),
    path(_("account/my-data/"), account_views.my_data, name="my_data"),
    path(_("account/my-data/json/"), account_views.my_data_json, name="my_data_json"),
    path(_("account/delete/"), account_views.account_delete, name="account_delete"),
    path(_("account/deleted/"), account_views.account_deleted, name="account_deleted"),
    path(_("account/membership/"), views.area, name="area"),
    path(_("account/membership/directory/"), views.area_directory, name="area_directory"),
    path(_("account/membership/contacts/"), views.area_contacts, name="area_contacts"),
    path(_("account/membership/contacts/<int:pk>/remove/"), views.area_contact_remove, name="area_contact_remove"),
    path(_("account/membership/consents/"), views.area_consents, name="area_consents"),
    path(_("account/membership/export/"), views.area_export, name="area_export"),
    path(_("account/membership/resignation/"), views.area_resign, name="area_resign"),
]
