"""The e-invoice for public bodies: an XRechnung in the UN/CEFACT CII syntax (EN 16931), built with drafthorse.

drafthorse validates the XML against the Factur-X EN 16931 schema it ships when it serialises; the tests
validate again. Membership fees are outside the scope of VAT: tax category "O" with the profile's note.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
SCHEMA = "FACTUR-X_EN16931"


def invoice_xml(*, invoice, profile, debtor_iban: str = "") -> bytes:
    """Return the invoice as XRechnung (CII) XML, valid against the EN 16931 schema.

    Built when it is mailed or downloaded, never stored: for a direct debit it names the debited account.
    """
    from drafthorse.models.accounting import ApplicableTradeTax
    from drafthorse.models.document import Document
    from drafthorse.models.note import IncludedNote
    from drafthorse.models.party import TaxRegistration
    from drafthorse.models.payment import PaymentMeans, PaymentTerms
    from drafthorse.models.tradelines import LineItem

    amount = Decimal(invoice.amount).quantize(Decimal("0.01"))
    with translation.override(invoice.language):
        doc = Document()
        doc.context.guideline_parameter.id = XRECHNUNG
        doc.header.id = invoice.number
        doc.header.type_code = "381" if invoice.kind == "cancellation" else "380"  # credit note / commercial invoice
        doc.header.issue_date_time = invoice.invoice_date
        note = IncludedNote()
        note.content = profile.fee_vat_note or _("Membership fees are not subject to VAT.")
        doc.header.notes.add(note)

        seller = doc.trade.agreement.seller
        seller.name = profile.name
        seller.address.line_one = profile.street
        seller.address.postcode = profile.postcode
        seller.address.city_name = profile.city
        seller.address.country_id = "DE"
        seller.electronic_address.uri_ID = ("EM", profile.email or "buchhaltung@example.org")
        if profile.tax_number:
            registration = TaxRegistration()
            registration.id = ("FC", profile.tax_number)
            seller.tax_registrations.add(registration)
        contact = seller.contact
        contact.person_name = profile.office_name or profile.name
        contact.telephone.number = profile.phone or "-"
        contact.email.address = profile.email or "buchhaltung@example.org"

        buyer = doc.trade.agreement.buyer
        buyer.name = invoice.recipient_name
        buyer.address.line_one = invoice.recipient_street
        buyer.address.postcode = invoice.recipient_postcode
        buyer.address.city_name = invoice.recipient_city
        buyer.address.country_id = "DE"
        buyer.electronic_address.uri_ID = ("EM", invoice.recipient_email or profile.email or "buchhaltung@example.org")
        # BT-10: the public body's routing id (Leitweg-ID) where known; the membership number otherwise.
        doc.trade.agreement.buyer_reference = str(invoice.member.number)

        settlement = doc.trade.settlement
        settlement.currency_code = "EUR"
        settlement.payment_reference = invoice.number
        settlement.period.start = invoice.period_start
        settlement.period.end = invoice.period_end
        means = PaymentMeans()
        if invoice.method == "debit":
            means.type_code = "59"  # SEPA direct debit: BT-91, the debited account, is the member's own IBAN
            means.payer_account.iban = debtor_iban
            settlement.creditor_reference_id = profile.creditor_id
        else:
            means.type_code = "58"  # SEPA credit transfer
            means.payee_account.iban = profile.bank_iban
            means.payee_account.account_name = profile.name
        settlement.payment_means.add(means)
        terms = PaymentTerms()
        terms.description = (
            _("Collected by SEPA direct debit on the due date.")
            if invoice.method == "debit"
            else _("Payable by bank transfer by the due date, quoting the invoice number.")
        )
        terms.due = invoice.due_date
        if invoice.method == "debit":
            terms.debit_mandate_id = invoice.mandate_reference
        settlement.terms.add(terms)

        line = LineItem()
        line.document.line_id = "1"
        line.product.name = invoice.description
        line.agreement.net.amount = amount
        line.delivery.billed_quantity = (Decimal("1.0000"), "C62")  # one unit
        line.settlement.trade_tax.type_code = "VAT"
        line.settlement.trade_tax.category_code = "O"  # outside the scope of VAT
        line.settlement.monetary_summation.total_amount = amount
        doc.trade.items.add(line)

        tax = ApplicableTradeTax()
        tax.calculated_amount = Decimal("0.00")
        tax.basis_amount = amount
        tax.type_code = "VAT"
        tax.category_code = "O"
        tax.exemption_reason = profile.fee_vat_note or _("Membership fees are not subject to VAT.")
        settlement.trade_tax.add(tax)

        totals = settlement.monetary_summation
        totals.line_total = amount
        totals.charge_total = Decimal("0.00")
        totals.allowance_total = Decimal("0.00")
        totals.tax_basis_total = amount
        totals.tax_total = (Decimal("0.00"), "EUR")
        totals.grand_total = amount
        totals.due_amount = amount
        return doc.serialize(schema=SCHEMA)
