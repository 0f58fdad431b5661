"""CAMT.053 / CAMT.054 files built for the tests, as a bank writes them (namespaced, with batch entries)."""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

NS053 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
NS054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"


def tx(*, amount=None, e2e="", name="", remittance="", reason="", fee=None, ref="") -> str:
    parts = ["<TxDtls><Refs>"]
    if ref:
        parts.append(f"<AcctSvcrRef>{ref}</AcctSvcrRef>")
    parts.append(f"<EndToEndId>{e2e or 'NOTPROVIDED'}</EndToEndId></Refs>")
    if amount is not None:
        parts.append(f'<Amt Ccy="EUR">{Decimal(amount):.2f}</Amt>')
    if fee is not None:
        parts.append(f'<Chrgs><Rcrd><Amt Ccy="EUR">{Decimal(fee):.2f}</Amt></Rcrd></Chrgs>')
    if name:
        parts.append(f"<RltdPties><Dbtr><Pty><Nm>{escape(name)}</Nm></Pty></Dbtr></RltdPties>")
    if remittance:
        parts.append(f"<RmtInf><Ustrd>{escape(remittance)}</Ustrd></RmtInf>")
    if reason:
        parts.append(f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>")
    parts.append("</TxDtls>")
    return "".join(parts)


def _money(amount) -> str:
    try:
        return f"{Decimal(amount):.2f}"
    except ArithmeticError:
        return str(amount)  # a broken amount, as a hostile file writes it


def entry(*, amount, credit=True, ref, txs=(), booked="2027-01-27", status="BOOK") -> str:
    details = f"<NtryDtls>{''.join(txs)}</NtryDtls>" if txs else ""
    return (
        f'<Ntry><NtryRef>{ref}</NtryRef><Amt Ccy="EUR">{_money(amount)}</Amt>'
        f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts><Cd>{status}</Cd></Sts>"
        f"<BookgDt><Dt>{booked}</Dt></BookgDt><ValDt><Dt>{booked}</Dt></ValDt>"
        f"<AcctSvcrRef>{ref}</AcctSvcrRef>{details}</Ntry>"
    )


def camt053(*entries: str, statement_id="STMT-2027-01", iban="DE22870500003512345678") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{NS053}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>MSG-{statement_id}</MsgId><CreDtTm>2027-01-28T06:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{statement_id}</Id><Acct><Id><IBAN>{iban}</IBAN></Id></Acct>{''.join(entries)}</Stmt>"
        "</BkToCstmrStmt></Document>"
    ).encode()


def camt054(*entries: str, notification_id="NTF-2027-01") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{NS054}"><BkToCstmrDbtCdtNtfctn>'
        f"<GrpHdr><MsgId>MSG-{notification_id}</MsgId><CreDtTm>2027-01-25T06:00:00</CreDtTm></GrpHdr>"
        f"<Ntfctn><Id>{notification_id}</Id><Acct><Id><IBAN>DE22870500003512345678</IBAN></Id></Acct>"
        f"{''.join(entries)}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Document><BkToCstmrStmt><Stmt><Id>&lol3;</Id></Stmt></BkToCstmrStmt></Document>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document><BkToCstmrStmt><Stmt><Id>&xxe;</Id></Stmt></BkToCstmrStmt></Document>"""
