"""CSV exports for staff: UTF-8 with BOM and semicolons, so Excel opens them as they are."""

from django.http import HttpResponse
from django.utils import timezone

from swsdigital.core.csvexport import csv_response as _csv_response

from .validators import iban_mask


def members_csv_response(queryset, *, bank_data: bool = False) -> HttpResponse:
    """Return the members of ``queryset`` as a CSV download; the IBAN masked unless ``bank_data``."""
    header = [
        "Mitgliedsnummer", "Name", "Rechtsform", "Mitgliedsart", "Jahresbeitrag", "Region", "Straße", "PLZ", "Ort",
        "Website", "Status", "Mitglied seit", "Austritt zum", "Hauptkontakt", "E-Mail", "Telefon", "Mandatsreferenz",
        "IBAN", "Verzeichnis",
    ]  # fmt: skip
    qs = queryset.select_related("membership_type").prefetch_related("contacts").order_by("number")

    def rows():
        for m in qs:
            main = next((c for c in m.contacts.all() if c.is_main), None)
            yield [
                m.number, m.name, m.legal_form, m.membership_type.name_de, m.membership_type.annual_fee,
                m.get_region_display(), m.street, m.postcode, m.city, m.website, m.get_status_display(),
                m.joined_on.isoformat(), m.resignation_effective_on.isoformat() if m.resignation_effective_on else "",
                main.name if main else "", main.email if main else "", main.phone if main else "",
                m.sepa_mandate_reference, m.sepa_iban if bank_data else iban_mask(m.sepa_iban),
                "ja" if m.directory_listed else "nein",
            ]  # fmt: skip

    audit = {"target": queryset.model, "kind": "members", "bank_data": bank_data}
    return _csv_response(f"mitglieder-{timezone.localdate().isoformat()}.csv", header, rows(), audit=audit)


def applications_csv_response(queryset) -> HttpResponse:
    """Return the applications of ``queryset`` as a CSV download."""
    header = [
        "Eingang", "Status", "Name", "Mitgliedsart", "Region", "PLZ", "Ort", "Kontakt", "E-Mail", "Telefon",
        "Bestätigt", "Entschieden",
    ]  # fmt: skip
    qs = queryset.select_related("membership_type").order_by("created_at")

    def rows():
        for a in qs:
            yield [
                timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M"), a.get_status_display(), a.name,
                a.membership_type.name_de, a.get_region_display(), a.postcode, a.city, a.contact_name, a.email,
                a.phone, timezone.localtime(a.confirmed_at).strftime("%Y-%m-%d %H:%M") if a.confirmed_at else "",
                timezone.localtime(a.decided_at).strftime("%Y-%m-%d %H:%M") if a.decided_at else "",
            ]  # fmt: skip

    audit = {"target": queryset.model, "kind": "applications"}
    return _csv_response(f"aufnahmeantraege-{timezone.localdate().isoformat()}.csv", header, rows(), audit=audit)
