"""The one CSV writer of every staff export: UTF-8 with BOM, cells that a spreadsheet would run as a
formula neutralised (OWASP "CSV injection").

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula (or becomes one
after the spreadsheet strips the whitespace) in Excel, LibreOffice and Google Sheets; a leading apostrophe
makes it text, which the spreadsheet shows without the apostrophe. Numbers stay numbers.

Every staff export says what it is (``audit={"target": Member, "kind": "members"}``): the audit trail records
who exported how many rows of it (swsdigital/privacy/audit.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def csv_cell(value):
    """Return the value as a spreadsheet must receive it: text that could run as a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_write(out, header: Iterable, rows: Iterable[Iterable], *, delimiter: str = ";") -> int:
    """Write the header and the rows to a file-like object, every cell through csv_cell; return the row count."""
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow([csv_cell(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    return count


def _audit(audit: Mapping | None, rows: int) -> None:
    if audit is not None:
        from swsdigital.privacy.audit import audit_export

        audit_export(**audit, rows=rows, format="csv")


def csv_text(header: Iterable, rows: Iterable[Iterable], *, delimiter: str = ";", audit: Mapping | None = None) -> str:
    """Return the CSV as text; an ``audit`` export is recorded in the audit trail."""
    out = io.StringIO()
    _audit(audit, csv_write(out, header, rows, delimiter=delimiter))
    return out.getvalue()


def csv_response(
    filename: str, header: Iterable, rows: Iterable[Iterable], *, delimiter: str = ";", audit: Mapping | None = None
) -> HttpResponse:
    """Return a CSV download (semicolons and a BOM, so Excel opens it as it is); ``audit`` as for csv_text."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BOM)
    _audit(audit, csv_write(response, header, rows, delimiter=delimiter))
    return response
