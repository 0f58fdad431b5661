"""Keep bank data out of logs and error reports: IBANs masked, bank fields and keys hidden.

Defence in depth: the code never logs an IBAN on purpose, but an exception message, a form value in a
traceback or a third-party library's debug line might. ``BankDataLogFilter`` sits on every log handler
(settings' LOGGING, Celery's handlers in swsdigital/celery.py); ``BankDataExceptionReporterFilter`` is
``DEFAULT_EXCEPTION_REPORTER_FILTER`` and cleans the error pages and mails Django builds with DEBUG off;
``BankDataExceptionReporter`` masks what no filter reaches, such as an exception's own message.
"""

from __future__ import annotations

import logging
import re

from django.utils.datastructures import MultiValueDict
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# Country code, check digits, then the account part: compact (11 to 30 letters or digits) or in groups of four
# parted by single spaces; any case, as people type them. The account part must hold at least six digits
# (_looks_like_iban), so words stay ("us01 west from here"); a false positive only masks a harmless string.
IBAN_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}"
    r"(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,3})?)"
    r"(?![A-Za-z0-9])"
)
# Names of settings, POST fields and dict keys whose values are bank data or the keys that protect it.
SENSITIVE_NAMES = re.compile(r"IBAN|ACCOUNT_HOLDER|FIELD_ENCRYPTION", flags=re.IGNORECASE)


def iban_mask(value: str) -> str:
    """Return the IBAN as staff without bank rights see it: country, check digits and the last two only."""
    iban = re.sub(r"\s+", "", value or "").upper()
    if not iban:
        return ""
    if len(iban) < 8:
        return "•" * len(iban)
    middle = len(iban) - 6
    groups = ["••••"] * (middle // 4) + (["•" * (middle % 4)] if middle % 4 else [])
    return " ".join([iban[:4], *groups, iban[-2:]])


def _masked_if_iban(match: re.Match) -> str:
    found = match.group()
    return iban_mask(found) if sum(ch.isdigit() for ch in found[4:]) >= 6 else found


def ibans_masked(text: str) -> str:
    """Return ``text`` with everything that looks like an IBAN masked."""
    return IBAN_IN_TEXT.sub(_masked_if_iban, text)


class BankDataLogFilter(logging.Filter):
    """Mask IBAN-shaped strings in a record's message, traceback and stack before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the handler's to report, with the record unchanged
            return True
        masked = ibans_masked(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = ibans_masked(record.exc_text)
        if record.stack_info:
            record.stack_info = ibans_masked(record.stack_info)
        return True


class BankDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter, plus: bank fields of every form hidden, bank-named settings hidden, IBANs masked."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|IBAN|ACCOUNT_HOLDER|FIELD_ENCRYPTION", flags=re.I
    )

    def _cleansed(self, request, multivaluedict):
        """Return a copy with the parameters the view marked sensitive, and every bank-named one, hidden."""
        marked = getattr(request, "sensitive_post_parameters", [])
        cleansed = multivaluedict.copy()
        for name in multivaluedict:
            if marked == "__ALL__" or name in marked or SENSITIVE_NAMES.search(str(name)):
                cleansed[name] = self.cleansed_substitute
        return cleansed

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return self._cleansed(request, request.POST) if self.is_active(request) else request.POST

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        return self._cleansed(request, multivaluedict) if self.is_active(request) else multivaluedict

    def cleanse_special_types(self, request, value):
        value = super().cleanse_special_types(request, value)
        if not self.is_active(request):
            return value
        if isinstance(value, str):
            return ibans_masked(value)
        # A form's cleaned_data or the data a view hands to a service (request.POST was cleansed above).
        if isinstance(value, dict) and not isinstance(value, MultiValueDict):
            return {
                key: self.cleansed_substitute
                if SENSITIVE_NAMES.search(str(key))
                else (ibans_masked(item) if isinstance(item, str) else item)
                for key, item in value.items()
            }
        return value


class BankDataExceptionReporter(ExceptionReporter):
    """Django's error report with every IBAN-shaped string masked, the exception's message included."""

    def get_traceback_html(self):
        return ibans_masked(str(super().get_traceback_html()))

    def get_traceback_text(self):
        return ibans_masked(str(super().get_traceback_text()))
