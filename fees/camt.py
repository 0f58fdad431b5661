"""Reading bank statements: CAMT.053 (account statement) and CAMT.054 (debit/credit notification), ISO 20022.

Parsed with defusedxml, which refuses a document type declaration outright — so no entity expansion ("billion
laughs") and no external entities — and reads the few paths a statement line needs, whatever the version
(camt.053.001.02 … .13): namespaces are ignored, element names are the same across versions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

MAX_BYTES = 20 * 1024 * 1024
ROOTS = {"BkToCstmrStmt": ("camt.053", "Stmt"), "BkToCstmrDbtCdtNtfctn": ("camt.054", "Ntfctn")}


class StatementError(ValueError):
    """A file that is not a readable CAMT statement; the message is translated and says why."""


@dataclass(frozen=True)
class Line:
    """One movement on the account: a whole entry, or one transaction of a batch entry."""

    credit: bool  # money in (CRDT) or out (DBIT)
    amount: Decimal  # positive
    booked_on: datetime.date
    bank_reference: str
    end_to_end_id: str = ""
    counterparty: str = ""
    remittance: str = ""
    return_reason: str = ""  # ISO return reason code (AC04, MD06, …) of a returned debit
    fee: Decimal = Decimal("0.00")
    reversal: bool = False


@dataclass(frozen=True)
class Statement:
    kind: str  # "camt.053" or "camt.054"
    statement_id: str
    account_iban: str
    lines: list[Line]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node, *path: str):
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    return node


def _children(node, name: str) -> list:
    return [c for c in node if _local(c.tag) == name] if node is not None else []


def _text(node, *path: str) -> str:
    found = _child(node, *path)
    return (found.text or "").strip() if found is not None else ""


def _amount(node, *path: str) -> Decimal | None:
    text = _text(node, *path)
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise StatementError(
            _("The statement holds an amount that is not a number: %(value)s") % {"value": text[:30]}
        ) from exc
    if not value.is_finite() or value < 0 or value > Decimal("100000000"):
        raise StatementError(_("The statement holds an impossible amount: %(value)s") % {"value": text[:30]})
    return value.quantize(Decimal("0.01"))


def _date(node) -> datetime.date | None:
    text = _text(node, "Dt") or _text(node, "DtTm")[:10]
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _party_name(tx, role: str) -> str:
    party = _child(tx, "RltdPties", role)
    return (_text(party, "Nm") or _text(party, "Pty", "Nm"))[:140]


def _fee(node) -> Decimal:
    charges = _child(node, "Chrgs")
    if charges is None:
        return Decimal("0.00")
    total = _amount(charges, "TtlChrgsAndTaxAmt") or _amount(charges, "Amt")
    if total is None:
        total = sum((_amount(r, "Amt") or Decimal("0")) for r in _children(charges, "Rcrd"))
    return Decimal(total).quantize(Decimal("0.01"))


def statement_parse(data: bytes) -> Statement:
    """Return the statement's lines; raise StatementError (translated) for anything that is not a CAMT file."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    if len(data) > MAX_BYTES:
        raise StatementError(_("The file is larger than 20 MB; please upload one statement at a time."))
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise StatementError(_("The file contains a document type declaration or entities; it was not read.")) from exc
    except SafeET.ParseError as exc:
        raise StatementError(_("The file is not well-formed XML: %(error)s") % {"error": str(exc)[:200]}) from exc
    body = next((c for c in root if _local(c.tag) in ROOTS), None) if _local(root.tag) == "Document" else None
    if body is None:
        raise StatementError(_("This is not a CAMT.053 statement or CAMT.054 notification."))
    kind, report_tag = ROOTS[_local(body.tag)]
    reports = _children(body, report_tag)
    if not reports:
        raise StatementError(_("The statement contains no account report."))
    lines: list[Line] = []
    for report in reports:
        for i, entry in enumerate(_children(report, "Ntry")):
            lines += _entry_lines(entry, index=i, report_id=_text(report, "Id"))
    first = reports[0]
    return Statement(
        kind=kind,
        statement_id=(_text(first, "Id") or _text(body, "GrpHdr", "MsgId"))[:100],
        account_iban=_text(first, "Acct", "Id", "IBAN")[:34],
        lines=lines,
    )


def _entry_lines(entry, *, index: int, report_id: str) -> list[Line]:
    status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")  # a code element from camt.053.001.08 on
    if status and status != "BOOK":
        return []  # pending or informational entries are not money on the account yet
    credit = _text(entry, "CdtDbtInd") == "CRDT"
    booked_on = _date(_child(entry, "BookgDt")) or _date(_child(entry, "ValDt"))
    if booked_on is None:
        raise StatementError(_("A statement entry has no booking date."))
    entry_amount = _amount(entry, "Amt")
    if entry_amount is None:
        raise StatementError(_("A statement entry has no amount."))
    entry_ref = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef") or f"{report_id}/{index}"
    reversal = _text(entry, "RvslInd").lower() == "true"
    transactions = [tx for details in _children(entry, "NtryDtls") for tx in _children(details, "TxDtls")]
    if not transactions:
        return [Line(credit, entry_amount, booked_on, entry_ref[:100], fee=_fee(entry), reversal=reversal)]
    lines = []
    for j, tx in enumerate(transactions):
        amount = _amount(tx, "AmtDtls", "TxAmt", "Amt") or _amount(tx, "Amt")
        if amount is None:
            amount = entry_amount if len(transactions) == 1 else None
        if amount is None:
            raise StatementError(_("A transaction of a batch entry has no amount."))
        reference = _text(tx, "Refs", "AcctSvcrRef") or (entry_ref if len(transactions) == 1 else f"{entry_ref}/{j}")
        remittance = " ".join(
            (u.text or "").strip() for info in _children(tx, "RmtInf") for u in _children(info, "Ustrd")
        )
        lines.append(
            Line(
                credit=credit,
                amount=amount,
                booked_on=booked_on,
                bank_reference=reference[:100],
                end_to_end_id=_text(tx, "Refs", "EndToEndId")[:35],
                counterparty=_party_name(tx, "Dbtr" if credit else "Cdtr") or _party_name(tx, "Dbtr"),
                remittance=remittance[:500],
                return_reason=_text(tx, "RtrInf", "Rsn", "Cd")[:4],
                fee=_fee(tx) or (_fee(entry) if len(transactions) == 1 else Decimal("0.00")),
                reversal=reversal,
            )
        )
    return lines
