"""The invoice as PDF (reportlab): the association's letterhead, the recipient, the item, the payment part.

One A4 page laid out like a German business letter (DIN 5008: the address field 45 mm from the top, the
sender's line above it, the footer with register, tax and bank details). Every word is a translated string
rendered in the invoice's language; the letterhead comes from the association profile. Transfer payers get
an EPC QR code ("GiroCode") that banking apps read: recipient, IBAN, amount and the invoice number.
"""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph, Table, TableStyle
from reportlab.platypus.flowables import Flowable, Spacer

from swsdigital.core.money import money_format

FONT, BOLD = "Helvetica", "Helvetica-Bold"
BRAND = (0.0, 0.33, 0.55)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=9.5)
STRONG = ParagraphStyle("strong", parent=BODY, fontName=BOLD)
TITLE = ParagraphStyle("title", parent=BODY, fontName=BOLD, fontSize=14, leading=18)


def epc_payload(*, name: str, iban: str, bic: str, amount: Decimal, reference: str) -> str:
    """Return the EPC069-12 payload (version 002, UTF-8) of a SEPA credit transfer."""
    lines = [
        "BCD",
        "002",
        "1",
        "SCT",
        bic or "",
        name[:70],
        iban.replace(" ", ""),
        f"EUR{amount:.2f}",
        "",
        "",
        reference[:140],
    ]
    return "\n".join(lines)


class QrFlowable(Flowable):
    """A QR code drawn as one filled path of its dark modules (reportlab's widget draws each module alone)."""

    def __init__(self, payload: str, size: float):
        super().__init__()
        import qrcode
        from qrcode.constants import ERROR_CORRECT_M

        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)  # the EPC rules ask for level M
        code.add_data(payload.encode("utf-8"))
        code.make(fit=True)
        self.matrix = code.get_matrix()
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        count = len(self.matrix)
        module = self.width / count
        path = self.canv.beginPath()
        for row, cells in enumerate(self.matrix):
            y = self.height - (row + 1) * module
            start = None
            for col, dark in enumerate([*cells, False]):
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    path.rect(start * module, y, (col - start) * module, module)
                    start = None
        self.canv.drawPath(path, stroke=0, fill=1)


def _qr(payload: str, size: float) -> Flowable:
    return QrFlowable(payload, size)


def _p(text: str, style=BODY) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def invoice_pdf(*, invoice, profile) -> bytes:
    """Return the invoice as a one-page PDF in the invoice's language."""
    with translation.override(invoice.language):
        return _render(invoice, profile)


def _render(invoice, profile) -> bytes:
    buffer = io.BytesIO()
    _width, height = A4
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    title = _("Cancellation invoice") if invoice.kind == "cancellation" else _("Invoice")
    canvas.setTitle(f"{title} {invoice.number}")
    canvas.setAuthor(profile.name)
    canvas.setSubject(invoice.description)
    # Letterhead.
    canvas.setFillColorRGB(*BRAND)
    canvas.setFont(BOLD, 15)
    canvas.drawString(20 * mm, height - 20 * mm, profile.name)
    canvas.setFont(FONT, 8.5)
    office = ", ".join(p for p in (profile.street, f"{profile.postcode} {profile.city}".strip()) if p)
    contact = "  ·  ".join(p for p in (office, profile.phone, profile.email) if p)
    canvas.drawString(20 * mm, height - 26 * mm, contact)
    canvas.setFillColorRGB(0, 0, 0)
    # Sender line and address field (DIN 5008, form B).
    canvas.setFont(FONT, 7)
    canvas.drawString(25 * mm, height - 50 * mm, f"{profile.name} · {office}"[:110])
    address = [invoice.recipient_name]
    if invoice.recipient_contact:
        address.append(_("Attn. %(name)s") % {"name": invoice.recipient_contact})
    address += [invoice.recipient_street, f"{invoice.recipient_postcode} {invoice.recipient_city}".strip()]
    frame = Frame(25 * mm, height - 95 * mm, 85 * mm, 42 * mm, showBoundary=0, leftPadding=0, topPadding=2)
    frame.addFromList([_p("\n".join(a for a in address if a))], canvas)
    # Information block beside the address.
    info = [
        (_("Invoice number"), invoice.number),
        (_("Invoice date"), _date(invoice.invoice_date)),
        (_("Period"), f"{_date(invoice.period_start)} – {_date(invoice.period_end)}"),
        (_("Due"), _date(invoice.due_date)),
    ]
    table = Table([[_p(k, SMALL), _p(v, SMALL)] for k, v in info], colWidths=(30 * mm, 40 * mm))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    table.wrapOn(canvas, 70 * mm, 40 * mm)
    table.drawOn(canvas, 125 * mm, height - 80 * mm)
    # Body.
    story = [_p(f"{title} {invoice.number}", TITLE), Spacer(1, 4 * mm)]
    if invoice.kind == "cancellation":
        story.append(
            _p(_("This cancellation invoice cancels invoice %(number)s in full.") % {"number": invoice.cancels.number})
        )
        if invoice.note:
            story.append(_p(_("Reason: %(reason)s") % {"reason": invoice.note}))
    else:
        story.append(_p(_("We invoice the membership fee for the period stated below.")))
    story.append(Spacer(1, 4 * mm))
    items = Table(
        [
            [_p(_("Item"), SMALL), _p(_("Amount"), SMALL)],
            [_p(invoice.description), _p(money_format(invoice.amount, language=invoice.language))],
            [_p(_("Total"), STRONG), _p(money_format(invoice.amount, language=invoice.language), STRONG)],
        ],
        colWidths=(135 * mm, 35 * mm),
        hAlign="LEFT",
    )  # fmt: skip
    items.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, BRAND),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, (0, 0, 0)),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [items, Spacer(1, 3 * mm)]
    if profile.fee_vat_note:
        story.append(_p(profile.fee_vat_note, SMALL))
    story.append(Spacer(1, 6 * mm))
    if invoice.kind == "cancellation":
        story.append(_p(_("Nothing is collected or to be paid for the cancelled invoice.")))
    elif invoice.method == "debit":
        story.append(_p(_("Pre-notification of the SEPA direct debit"), STRONG))
        story.append(
            _p(
                _(
                    "We will collect %(amount)s from your account on %(date)s (SEPA core direct debit, mandate "
                    "reference %(mandate)s, creditor identifier %(creditor)s). Please make sure the account is "
                    "covered; you need not transfer anything."
                )
                % {
                    "amount": money_format(invoice.amount, language=invoice.language),
                    "date": _date(invoice.collection_date),
                    "mandate": invoice.mandate_reference,
                    "creditor": profile.creditor_id or "–",
                }
            )
        )
    else:
        text = _p(
            _(
                "Please transfer %(amount)s by %(date)s to %(holder)s, IBAN %(iban)s%(bic)s, quoting the invoice "
                "number %(number)s. The code beside this text fills in the transfer in your banking app."
            )
            % {
                "amount": money_format(invoice.amount, language=invoice.language),
                "date": _date(invoice.due_date),
                "holder": profile.name,
                "iban": _iban_groups(profile.bank_iban) or "–",
                "bic": f", BIC {profile.bank_bic}" if profile.bank_bic else "",
                "number": invoice.number,
            }
        )
        block = [_p(_("Payment by bank transfer"), STRONG), text]
        if profile.bank_iban:
            payload = epc_payload(
                name=profile.name, iban=profile.bank_iban, bic=profile.bank_bic, amount=invoice.amount,
                reference=invoice.number,
            )  # fmt: skip
            code = Table([[_qr(payload, 30 * mm)], [_p("GiroCode", SMALL)]], colWidths=(32 * mm,))
            code.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
            layout = Table([[block, code]], colWidths=(135 * mm, 35 * mm), hAlign="LEFT")
            layout.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 0)]))
            story.append(layout)
        else:
            story += block
    body = Frame(20 * mm, 45 * mm, 170 * mm, height - 150 * mm, leftPadding=0, rightPadding=0, showBoundary=0)
    body.addFromList(story, canvas)
    # Footer: register, tax and bank details.
    tax = _("Tax number %(number)s") % {"number": profile.tax_number} if profile.tax_number else ""
    footer = [
        " · ".join(p for p in (profile.name, profile.register_entry) if p),
        " · ".join(p for p in (tax, profile.tax_note) if p),
        " · ".join(
            p for p in (profile.bank_name, f"IBAN {_iban_groups(profile.bank_iban)}" if profile.bank_iban else "",
                        f"BIC {profile.bank_bic}" if profile.bank_bic else "",
                        _("Creditor ID %(id)s") % {"id": profile.creditor_id} if profile.creditor_id else "") if p
        ),
    ]  # fmt: skip
    canvas.setStrokeColorRGB(*BRAND)
    canvas.line(20 * mm, 27 * mm, 190 * mm, 27 * mm)
    canvas.setFont(FONT, 7)
    for i, line in enumerate(f for f in footer if f):
        canvas.drawString(20 * mm, 23 * mm - i * 3.5 * mm, line[:150])
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _iban_groups(iban: str) -> str:
    compact = (iban or "").replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
