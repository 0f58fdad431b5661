"""Demo content of the site frame: the association's profile and the legal pages."""

from .models import LegalPage, SiteProfile
from .selectors import site_profile_cache_clear

PROFILE = {
    "name": "Südwestsachsen Digital e.V.",
    "short_name": "SWS Digital",
    "claim_de": "Das Netzwerk der digitalen Wirtschaft in Vogtland, Erzgebirge, Zwickau und Chemnitz.",
    "claim_en": "The digital economy network of Vogtland, Erzgebirge, Zwickau and Chemnitz.",
    "intro_de": (
        "Unternehmen, Schulen, Forschungseinrichtungen, Vereine und Kommunen aus Südwestsachsen "
        "arbeiten bei uns gemeinsam daran, die Region als Standort für digitale Technologien "
        "sichtbar zu machen – mit Veranstaltungen, Projekten und kurzen Wegen zueinander."
    ),
    "intro_en": (
        "Companies, schools, research institutes, associations and municipalities from south-west "
        "Saxony work together with us to make the region visible as a place for digital "
        "technology – through events, projects and short distances between people."
    ),
    "office_name": "Geschäftsstelle bei der IHK Regionalkammer Plauen",
    "street": "Friedensstraße 32",
    "postcode": "08523",
    "city": "Plauen",
    "phone": "+49 3741 000000",
    "email": "info@sws-digital.example",
    "facebook_url": "https://www.facebook.com/swsdigital.example",
    "linkedin_url": "https://www.linkedin.com/company/sws-digital-example",
    "x_url": "https://x.com/swsdigital_example",
    "youtube_url": "https://www.youtube.com/@swsdigital-example",
    "regions": "Vogtlandkreis, Erzgebirgskreis, Landkreis Zwickau, Stadt Chemnitz",
    # The letterhead of the demo invoices: sample values, not the association's real register or accounts.
    "register_entry": "Amtsgericht Chemnitz, VR 00000 (Beispiel)",
    "tax_number": "223/140/00000",
    "tax_note_de": "Vom Finanzamt als gemeinnützig anerkannt (Beispielangabe).",
    "tax_note_en": "Recognised as a non-profit organisation by the tax office (sample).",
    "bank_name": "Sparkasse Vogtland",
    "bank_iban": "DE80870580003512345678",
    "bank_bic": "WELADED1PLX",
    "creditor_id": "DE98ZZZ09999999999",
    "contacts_count": 1000,
    "participants_count": 500,
    "members_count_fallback": 47,
}

LEGAL = {
    "imprint": (
        "Impressum",
        "Imprint",
        "## Anbieter\n\nSüdwestsachsen Digital e.V.\nGeschäftsstelle bei der IHK Regionalkammer Plauen\n"
        "Friedensstraße 32, 08523 Plauen\n\n## Vertretung\n\nDer Verein wird durch seinen Vorstand vertreten.\n\n"
        "## Registereintrag\n\nEingetragen im Vereinsregister (Demo-Angabe).\n\n"
        "## Kontakt\n\nE-Mail: info@sws-digital.example",
        "## Provider\n\nSüdwestsachsen Digital e.V.\nOffice at the IHK regional chamber Plauen\n"
        "Friedensstraße 32, 08523 Plauen, Germany\n\n"
        "## Representation\n\nThe association is represented by its board.\n\n"
        "## Contact\n\nEmail: info@sws-digital.example",
    ),
    "privacy": (
        "Datenschutzerklärung",
        "Privacy notice",
        "## Wer verarbeitet Ihre Daten?\n\nSüdwestsachsen Digital e.V., Plauen.\n\n"
        "## Welche Daten und wozu?\n\n- **Mitgliedsantrag:** Angaben zur Organisation und zu Ansprechpersonen, "
        "um über die Aufnahme zu entscheiden und die Mitgliedschaft zu verwalten.\n"
        "- **Veranstaltungen:** Name, E-Mail und Organisation zur Organisation der Veranstaltung; nach der "
        "Veranstaltung werden diese Angaben nach einer festen Frist anonymisiert.\n"
        "- **Newsletter:** E-Mail-Adresse und gewählte Themen, nur nach Bestätigung (Double-Opt-in). Wir "
        "speichern Zeitpunkt und IP-Adresse von Anmeldung und Bestätigung als Nachweis.\n\n"
        "## Ihre Rechte\n\nSie können Auskunft, Berichtigung, Löschung und Einschränkung verlangen und "
        "Einwilligungen jederzeit widerrufen. Schreiben Sie an info@sws-digital.example.",
        "## Who processes your data?\n\nSüdwestsachsen Digital e.V., Plauen.\n\n"
        "## Which data and why?\n\n- **Membership application:** details of the organisation and contacts, "
        "to decide on admission and manage the membership.\n"
        "- **Events:** name, email and organisation to organise the event; these are anonymised a fixed "
        "time after the event.\n"
        "- **Newsletter:** email address and chosen topics, only after confirmation (double opt-in). We keep "
        "the time and IP address of sign-up and confirmation as proof.\n\n"
        "## Your rights\n\nYou may ask for access, correction, erasure and restriction and withdraw consent "
        "at any time. Write to info@sws-digital.example.",
    ),
    "accessibility": (
        "Erklärung zur Barrierefreiheit",
        "Accessibility statement",
        "Wir möchten, dass alle Menschen dieses Portal nutzen können, und richten uns nach den "
        "Anforderungen der WCAG 2.1 auf Stufe AA (BITV 2.0).\n\n## Stand der Vereinbarkeit\n\n"
        "Die Seiten werden bei jeder Änderung automatisch mit axe-core geprüft; Tastaturbedienung, "
        "Kontraste und Formularbeschriftungen sind Teil unserer Tests.\n\n## Feedback\n\n"
        "Ist Ihnen eine Barriere aufgefallen? Schreiben Sie uns an info@sws-digital.example – wir antworten "
        "innerhalb von zwei Wochen.",
        "We want everyone to be able to use this portal and follow WCAG 2.1 level AA (BITV 2.0).\n\n"
        "## Compliance\n\nThe pages are checked automatically with axe-core on every change; keyboard use, "
        "contrast and form labels are part of our tests.\n\n## Feedback\n\nHave you met a barrier? Write to "
        "info@sws-digital.example – we answer within two weeks.",
    ),
    "statutes": (
        "Satzung",
        "Statutes",
        "## § 1 Name und Sitz\n\nDer Verein führt den Namen „Südwestsachsen Digital e.V.“ und hat seinen Sitz "
        "in Plauen.\n\n## § 2 Zweck\n\nDer Verein fördert die Digitalisierung von Wirtschaft, Bildung und "
        "Verwaltung in Südwestsachsen.\n\n## § 3 Mitgliedschaft\n\nMitglied können Unternehmen, Bildungs- "
        "und Forschungseinrichtungen, Kommunen, Vereine und natürliche Personen werden. Über die Aufnahme "
        "entscheidet der Vorstand.\n\n## § 4 Austritt\n\nDer Austritt ist zum Ende eines Kalenderjahres "
        "möglich und schriftlich zu erklären.\n\n## § 5 Beiträge\n\nDie Höhe der Jahresbeiträge regelt die "
        "Beitragsordnung.",
        "## § 1 Name and seat\n\nThe association is called “Südwestsachsen Digital e.V.” and has its seat in "
        "Plauen.\n\n## § 2 Purpose\n\nThe association promotes the digital transformation of business, "
        "education and administration in south-west Saxony.\n\n## § 3 Membership\n\nCompanies, educational "
        "and research institutions, municipalities, associations and individuals may become members. The "
        "board decides on admission.\n\n## § 4 Resignation\n\nMembers may resign in writing at the end of a "
        "calendar year.\n\n## § 5 Fees\n\nAnnual fees are set by the fee regulations.",
    ),
}


def load() -> None:
    """Create or update the association profile and the legal pages (idempotent)."""
    profile = SiteProfile.objects.first() or SiteProfile()
    for field, value in PROFILE.items():
        setattr(profile, field, value)
    profile.save()
    site_profile_cache_clear()
    for kind, (title_de, title_en, body_de, body_en) in LEGAL.items():
        LegalPage.objects.update_or_create(
            kind=kind, defaults={"title_de": title_de, "title_en": title_en, "body_de": body_de, "body_en": body_en}
        )
