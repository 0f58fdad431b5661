"""Demo content of the fees app: last year's dues with invoices in every state the treasurer meets.

Paid by direct debit and by transfer (booked from bank statements), open, reminded, returned and cancelled —
so that the admin shows the whole year at first start. Idempotent: a second load changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from members.models import Member, MembershipType

from .models import DuesRun, FeeRate, Invoice, InvoiceDocument, MemberFee
from .services import dues_run, invoice_cancel
from .services.bank import statement_import
from .services.issuing import invoice_document_get_or_render
from .services.reminders import reminders_send

WAIVER = "Gemeinnütziger Partner; Beitrag laut Vorstandsbeschluss erlassen"
BANK_CODE = "87050000"  # a Chemnitz bank code: the members' sample accounts


def _camt(kind: str, statement_id: str, entries: list[str]) -> bytes:
    root, report = ("BkToCstmrStmt", "Stmt") if kind == "053" else ("BkToCstmrDbtCdtNtfctn", "Ntfctn")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.08">'
        f"<{root}><GrpHdr><MsgId>{statement_id}</MsgId></GrpHdr><{report}><Id>{statement_id}</Id>"
        f"<Acct><Id><IBAN>DE80870580003512345678</IBAN></Id></Acct>{''.join(entries)}</{report}></{root}></Document>"
    ).encode()


def _entry(
    *, ref: str, amount: Decimal, booked: datetime.date, credit=True, e2e="", text="", name="", reason=""
) -> str:
    tx = f'<Refs><EndToEndId>{e2e or "NOTPROVIDED"}</EndToEndId></Refs><Amt Ccy="EUR">{amount:.2f}</Amt>'
    if name:
        tx += f"<RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr></RltdPties>"
    if text:
        tx += f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf>"
    if reason:
        tx += f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>"
    return (
        f'<Ntry><Amt Ccy="EUR">{amount:.2f}</Amt><CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>'
        f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{booked.isoformat()}</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
        f"<NtryDtls><TxDtls>{tx}</TxDtls></NtryDtls></Ntry>"
    )


def load() -> None:
    """Create last year's dues with invoices in every state (idempotent)."""
    from schwifty import IBAN

    year = timezone.localdate().year - 1
    if DuesRun.objects.filter(year=year).exists():
        return
    for membership_type in MembershipType.objects.all():
        FeeRate.objects.get_or_create(
            membership_type=membership_type, valid_from_year=year - 2, defaults={"amount": membership_type.annual_fee}
        )
    small = MembershipType.objects.filter(slug="unternehmen-1-9").first()
    if small:  # a fee change that takes effect next year: this year's invoices keep the old rate
        FeeRate.objects.get_or_create(
            membership_type=small, valid_from_year=year + 2, defaults={"amount": small.annual_fee + Decimal("24.00")}
        )
    makerspace = Member.objects.filter(slug="makerspace-sonnenberg").first()
    if makerspace:
        MemberFee.objects.get_or_create(
            member=makerspace, valid_from_year=year - 1,
            defaults={"amount": Decimal("0.00"), "reason": WAIVER},
        )  # fmt: skip
    # Two of three organisations pay by direct debit (individual supporters and public bodies by transfer).
    for member in Member.objects.select_related("membership_type").order_by("number"):
        pays_by_debit = member.number % 3 and member.membership_type.category not in ("individual", "municipality")
        if pays_by_debit and not member.sepa_mandate_reference:
            member.sepa_iban = IBAN.generate("DE", bank_code=BANK_CODE, account_code=f"{member.number:010d}").compact
            member.sepa_account_holder = member.name[:70]
            member.sepa_mandate_reference = f"SWS-M-{member.number:05d}"
            member.sepa_mandate_signed_on = member.joined_on
            member.save()
    invoice_date = datetime.date(year, 1, 12)
    collection_date = datetime.date(year, 2, 2)
    dues_run(year=year, invoice_date=invoice_date, collection_date=collection_date)
    invoices = list(Invoice.objects.filter(year=year, kind=Invoice.Kind.INVOICE).order_by("sequence"))
    mailed = timezone.make_aware(datetime.datetime.combine(invoice_date, datetime.time(10)))
    for invoice in invoices:
        document = invoice_document_get_or_render(invoice=invoice)
        # The demo's invoices count as mailed on the invoice date (no mail leaves for them).
        InvoiceDocument.objects.filter(pk=document.pk).update(emailed_at=mailed)
    debit = [i for i in invoices if i.method == Invoice.Method.DEBIT]
    transfer = [i for i in invoices if i.method == Invoice.Method.TRANSFER]
    booked = collection_date + datetime.timedelta(days=1)
    # The collection: all debits credited; one comes back (no funds), one more (account closed).
    credits = [_entry(ref=f"DD-{i.number}", amount=i.amount, booked=booked, e2e=f"SWS-{i.number}") for i in debit]
    # Transfers: most name their invoice; one pays without the number (proposed), one pays too little.
    paying = transfer[: max(0, len(transfer) - 4)]
    credits += [
        _entry(ref=f"TR-{i.number}", amount=i.amount, booked=booked + datetime.timedelta(days=3), name=i.recipient_name,
               text=f"Mitgliedsbeitrag {year} Rechnung {i.number}")
        for i in paying
    ]  # fmt: skip
    if len(transfer) >= 4:
        nameless = transfer[-4]
        credits.append(
            _entry(ref=f"TR-{nameless.number}", amount=nameless.amount, booked=booked + datetime.timedelta(days=5),
                   name=nameless.recipient_name, text="Beitrag")
        )  # fmt: skip
        short = transfer[-3]
        credits.append(
            _entry(
                ref=f"TR-{short.number}",
                amount=short.amount - Decimal("20.00"),
                booked=booked + datetime.timedelta(days=6),
                name=short.recipient_name,
                text=f"Rechnung {short.number}",
            )
        )
    try:
        statement_import(data=_camt("053", f"DEMO-{year}-02", credits), filename=f"kontoauszug-{year}-02.xml")
        if len(debit) >= 2:
            returns = [
                _entry(ref=f"RT-{debit[0].number}", amount=debit[0].amount, booked=booked + datetime.timedelta(days=7),
                       credit=False, e2e=f"SWS-{debit[0].number}", reason="AM04"),
                _entry(ref=f"RT-{debit[1].number}", amount=debit[1].amount, booked=booked + datetime.timedelta(days=7),
                       credit=False, e2e=f"SWS-{debit[1].number}", reason="AC04"),
            ]  # fmt: skip
            statement_import(data=_camt("054", f"DEMO-{year}-RT", returns), filename=f"ruecklastschriften-{year}.xml")
    except ValidationError:
        pass  # imported on an earlier load
    # One invoice was issued to the wrong type and is cancelled; the last transfers stay open and get reminded.
    if len(transfer) >= 2 and transfer[-2].status == Invoice.Status.OPEN:
        invoice_cancel(invoice=transfer[-2], reason="Falsche Mitgliedsart; neue Rechnung folgt")
    reminders_send(today=invoice_date + datetime.timedelta(days=30 + 15))
