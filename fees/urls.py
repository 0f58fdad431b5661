from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "fees"

urlpatterns = [
    path(_("account/membership/direct-debit/"), views.bank_account, name="bank_account"),
    path(_("account/membership/invoices/"), views.invoices, name="invoices"),
    path(_("account/membership/invoices/<str:number>.pdf"), views.invoice_pdf, name="invoice_pdf"),
    path(_("account/membership/invoices/<str:number>.xml"), views.invoice_einvoice, name="invoice_xml"),
]
