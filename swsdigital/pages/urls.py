from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path(_("imprint/"), views.legal_page, {"kind": "imprint"}, name="imprint"),
    path(_("privacy/"), views.legal_page, {"kind": "privacy"}, name="privacy"),
    path(_("accessibility/"), views.legal_page, {"kind": "accessibility"}, name="accessibility"),
    path(_("statutes/"), views.legal_page, {"kind": "statutes"}, name="statutes"),
]
