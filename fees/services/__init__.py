"""Every write and rule of the fees app (re-exported from its modules)."""

from .invoices import invoice_cancel
from .rules import FeeDecision, FeeRates, fee_for
from .runs import DuesPreview, DuesRunResult, dues_dates_check, dues_preview, dues_run, invoices_by_state

__all__ = [
    "DuesPreview",
    "DuesRunResult",
    "FeeDecision",
    "FeeRates",
    "dues_dates_check",
    "dues_preview",
    "dues_run",
    "fee_for",
    "invoice_cancel",
    "invoices_by_state",
]
