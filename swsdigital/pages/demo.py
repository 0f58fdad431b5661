"""Demo content of the site frame: the association's profile and the legal pages."""

from .models import LegalPage, SiteProfile
from .selectors import site_profile_cache_clear

PROFILE = {
    "name": "Südwestsachsen Digital e.V.",
    "short_name": "SWS Digital",
    "claim_de": "Das Netzwerk der digitalen Wirtschaft in Vogtland, Erzgebirge, Zwickau und Chemnitz.",
    "claim_en": "The digital economy network of Vogtland, Erzgebirge, Zwickau and Chemnitz.",
    "intro_de": (
        "<p>Unternehmen, Schulen, Forschungseinrichtungen, Vereine und Kommunen aus Südwestsachsen "
        "arbeiten bei uns gemeinsam daran, die Region als Standort für digitale Technologien "
        "sichtbar zu machen – mit Veranstaltungen, Projekten und kurzen Wegen zueinander.</p>"
    ),
    "intro_en": (
        "<p>Companies, schools, research institutes, associations and municipalities from south-west "
        "Saxony work together with us to make the region visible as a place for digital "
        "technology – through events, projects and short distances between people.</p>"
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
        "<h2>Anbieter</h2>"
        "<p>Südwestsachsen Digital e.V.<br>Geschäftsstelle bei der IHK Regionalkammer Plauen<br>"
        "Friedensstraße 32, 08523 Plauen</p>"
        "<h2>Vertretung</h2><p>Der Verein wird durch seinen Vorstand vertreten.</p>"
        "<h2>Registereintrag</h2><p>Eingetragen im Vereinsregister (Demo-Angabe).</p>"
        '<h2>Kontakt</h2><p>E-Mail: <a href="mailto:info@sws-digital.example">info@sws-digital.example</a></p>',
        "<h2>Provider</h2>"
        "<p>Südwestsachsen Digital e.V.<br>Office at the IHK regional chamber Plauen<br>"
        "Friedensstraße 32, 08523 Plauen, Germany</p>"
        "<h2>Representation</h2><p>The association is represented by its board.</p>"
        '<h2>Contact</h2><p>Email: <a href="mailto:info@sws-digital.example">info@sws-digital.example</a></p>',
    ),
    "privacy": (
        "Datenschutzerklärung",
        "Privacy notice",
        "<h2>Wer verarbeitet Ihre Daten?</h2><p>Südwestsachsen Digital e.V., Plauen.</p>"
        "<h2>Welche Daten und wozu?</h2>"
        "<ul><li><strong>Mitgliedsantrag:</strong> Angaben zur Organisation und zu Ansprechpersonen, "
        "um über die Aufnahme zu entscheiden und die Mitgliedschaft zu verwalten.</li>"
        "<li><strong>Veranstaltungen:</strong> Name, E-Mail und Organisation zur Organisation der Veranstaltung; "
        "nach der Veranstaltung werden diese Angaben nach einer festen Frist anonymisiert.</li>"
        "<li><strong>Newsletter:</strong> E-Mail-Adresse und gewählte Themen, nur nach Bestätigung "
        "(Double-Opt-in). Wir speichern Zeitpunkt und IP-Adresse von Anmeldung und Bestätigung als "
        "Nachweis.</li></ul>"
        "<h2>Ihre Rechte</h2><p>Sie können Auskunft, Berichtigung, Löschung und Einschränkung verlangen und "
        "Einwilligungen jederzeit widerrufen. Schreiben Sie an info@sws-digital.example.</p>",
        "<h2>Who processes your data?</h2><p>Südwestsachsen Digital e.V., Plauen.</p>"
        "<h2>Which data and why?</h2>"
        "<ul><li><strong>Membership application:</strong> details of the organisation and contacts, "
        "to decide on admission and manage the membership.</li>"
        "<li><strong>Events:</strong> name, email and organisation to organise the event; these are anonymised "
        "a fixed time after the event.</li>"
        "<li><strong>Newsletter:</strong> email address and chosen topics, only after confirmation (double "
        "opt-in). We keep the time and IP address of sign-up and confirmation as proof.</li></ul>"
        "<h2>Your rights</h2><p>You may ask for access, correction, erasure and restriction and withdraw "
        "consent at any time. Write to info@sws-digital.example.</p>",
    ),
    "accessibility": (
        "Erklärung zur Barrierefreiheit",
        "Accessibility statement",
        "<p>Wir möchten, dass alle Menschen dieses Portal nutzen können, und richten uns nach den "
        "Anforderungen der WCAG 2.1 auf Stufe AA (BITV 2.0).</p>"
        "<h2>Stand der Vereinbarkeit</h2><p>Die Seiten werden bei jeder Änderung automatisch mit axe-core "
        "geprüft; Tastaturbedienung, Kontraste und Formularbeschriftungen sind Teil unserer Tests.</p>"
        "<h2>Feedback</h2><p>Ist Ihnen eine Barriere aufgefallen? Schreiben Sie uns an "
        "info@sws-digital.example – wir antworten innerhalb von zwei Wochen.</p>",
        "<p>We want everyone to be able to use this portal and follow WCAG 2.1 level AA (BITV 2.0).</p>"
        "<h2>Compliance</h2><p>The pages are checked automatically with axe-core on every change; keyboard "
        "use, contrast and form labels are part of our tests.</p>"
        "<h2>Feedback</h2><p>Have you met a barrier? Write to info@sws-digital.example – we answer within two "
        "weeks.</p>",
    ),
    "statutes": (
        "Satzung",
        "Statutes",
        "<h2>§ 1 Name und Sitz</h2><p>Der Verein führt den Namen „Südwestsachsen Digital e.V.“ und hat seinen "
        "Sitz in Plauen.</p>"
        "<h2>§ 2 Zweck</h2><p>Der Verein fördert die Digitalisierung von Wirtschaft, Bildung und Verwaltung in "
        "Südwestsachsen.</p>"
        "<h2>§ 3 Mitgliedschaft</h2><p>Mitglied können Unternehmen, Bildungs- und Forschungseinrichtungen, "
        "Kommunen, Vereine und natürliche Personen werden. Über die Aufnahme entscheidet der Vorstand.</p>"
        "<h2>§ 4 Austritt</h2><p>Der Austritt ist zum Ende eines Kalenderjahres möglich und schriftlich zu "
        "erklären.</p>"
        "<h2>§ 5 Beiträge</h2><p>Die Höhe der Jahresbeiträge regelt die Beitragsordnung.</p>",
        "<h2>§ 1 Name and seat</h2><p>The association is called “Südwestsachsen Digital e.V.” and has its seat "
        "in Plauen.</p>"
        "<h2>§ 2 Purpose</h2><p>The association promotes the digital transformation of business, education and "
        "administration in south-west Saxony.</p>"
        "<h2>§ 3 Membership</h2><p>Companies, educational and research institutions, municipalities, "
        "associations and individuals may become members. The board decides on admission.</p>"
        "<h2>§ 4 Resignation</h2><p>Members may resign in writing at the end of a calendar year.</p>"
        "<h2>§ 5 Fees</h2><p>Annual fees are set by the fee regulations.</p>",
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
