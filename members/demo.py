# ruff: noqa: E501 - the demo table reads best one member per line
"""Demo content of the members app: fee types, topics, 47 members across the four regions, open applications."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from .models import Contact, Member, MembershipApplication, MembershipNumberCounter, MembershipType, Region, Topic

TYPES = [
    ("unternehmen-1-9", "Unternehmen (1–9 Beschäftigte)", "Company (1–9 employees)", "company", "240.00"),
    ("unternehmen-10-49", "Unternehmen (10–49 Beschäftigte)", "Company (10–49 employees)", "company", "480.00"),
    ("unternehmen-50-249", "Unternehmen (50–249 Beschäftigte)", "Company (50–249 employees)", "company", "960.00"),
    ("unternehmen-250", "Unternehmen (ab 250 Beschäftigte)", "Company (250 employees or more)", "company", "1800.00"),
    ("bildung", "Schule oder Bildungseinrichtung", "School or educational institution", "school", "120.00"),
    ("forschung", "Forschungseinrichtung", "Research institute", "research", "480.00"),
    ("kommune", "Kommune", "Municipality", "municipality", "360.00"),
    ("verein", "Verein oder Verband", "Association", "association", "120.00"),
    ("foerdermitglied", "Fördermitglied (Einzelperson)", "Individual supporter", "individual", "60.00"),
]

TOPICS = [
    ("it-sicherheit", "IT-Sicherheit", "IT security"),
    ("kuenstliche-intelligenz", "Künstliche Intelligenz", "Artificial intelligence"),
    ("industrie-4-0", "Industrie 4.0", "Industry 4.0"),
    ("breitband", "Breitband und Infrastruktur", "Broadband and infrastructure"),
    ("fachkraefte", "Fachkräfte und Ausbildung", "Skilled workers and training"),
    ("e-government", "Digitale Verwaltung", "Digital administration"),
    ("e-commerce", "Handel und E-Commerce", "Retail and e-commerce"),
    ("gruendung", "Gründung und Start-ups", "Start-ups"),
]

# (name, legal form, type, region, city, postcode, street, sector, topics)
MEMBERS = [
    ("Vogtland Datenwerk", "GmbH", "unternehmen-50-249", Region.VOGTLANDKREIS, "Plauen", "08523", "Bahnhofstraße 41", "Handelssoftware", ["kuenstliche-intelligenz", "e-commerce"]),
    ("Elstertal Systemhaus", "GmbH & Co. KG", "unternehmen-10-49", Region.VOGTLANDKREIS, "Oelsnitz/Vogtl.", "08606", "Markt 3", "IT-Dienstleistungen", ["it-sicherheit"]),
    ("Musikwinkel Digital", "UG (haftungsbeschränkt)", "unternehmen-1-9", Region.VOGTLANDKREIS, "Markneukirchen", "08258", "Breitenfelder Straße 12", "Webentwicklung", ["e-commerce", "gruendung"]),
    ("Stadt Reichenbach im Vogtland", "Gebietskörperschaft", "kommune", Region.VOGTLANDKREIS, "Reichenbach im Vogtland", "08468", "Markt 6", "Verwaltung", ["e-government", "breitband"]),
    ("Berufliches Schulzentrum e.o.plauen", "Körperschaft des öffentlichen Rechts", "bildung", Region.VOGTLANDKREIS, "Plauen", "08525", "Uferstraße 32", "Berufsbildung", ["fachkraefte"]),
    ("Göltzschtal Automation", "GmbH", "unternehmen-50-249", Region.VOGTLANDKREIS, "Auerbach/Vogtl.", "08209", "Göltzschtalstraße 8", "Maschinenbau", ["industrie-4-0"]),
    ("Plauener Spitzen Online", "e.K.", "unternehmen-1-9", Region.VOGTLANDKREIS, "Plauen", "08527", "Hofer Straße 70", "Onlinehandel", ["e-commerce"]),
    ("Vogtländischer Unternehmerverein", "e.V.", "verein", Region.VOGTLANDKREIS, "Plauen", "08523", "Friedensstraße 32", "Interessenvertretung", ["fachkraefte", "gruendung"]),
    ("Netzwerkbüro Treuen", "GbR", "unternehmen-1-9", Region.VOGTLANDKREIS, "Treuen", "08233", "Bahnhofstraße 2", "Netzwerktechnik", ["breitband", "it-sicherheit"]),
    ("Vogtland Cloud Services", "GmbH", "unternehmen-10-49", Region.VOGTLANDKREIS, "Rodewisch", "08228", "Wernesgrüner Straße 15", "Rechenzentrum", ["it-sicherheit", "breitband"]),
    ("Silberstraße Software", "GmbH", "unternehmen-10-49", Region.ERZGEBIRGSKREIS, "Annaberg-Buchholz", "09456", "Buchholzer Straße 2", "Individualsoftware", ["kuenstliche-intelligenz"]),
    ("Erzgebirgische Präzisionsteile", "GmbH", "unternehmen-250", Region.ERZGEBIRGSKREIS, "Aue-Bad Schlema", "08280", "Schneeberger Straße 80", "Metallverarbeitung", ["industrie-4-0", "fachkraefte"]),
    ("Große Kreisstadt Marienberg", "Gebietskörperschaft", "kommune", Region.ERZGEBIRGSKREIS, "Marienberg", "09496", "Markt 1", "Verwaltung", ["e-government"]),
    ("Gymnasium am Pöhlberg", "öffentliche Schule", "bildung", Region.ERZGEBIRGSKREIS, "Annaberg-Buchholz", "09456", "Kleine Sommerleite 14", "Schule", ["fachkraefte"]),
    ("Holzland Digitalagentur", "GmbH", "unternehmen-1-9", Region.ERZGEBIRGSKREIS, "Olbernhau", "09526", "Grünthaler Straße 20", "Marketing", ["e-commerce"]),
    ("Bergbau-Technik Schwarzenberg", "AG", "unternehmen-50-249", Region.ERZGEBIRGSKREIS, "Schwarzenberg", "08340", "Karlsbader Straße 9", "Sondermaschinenbau", ["industrie-4-0"]),
    ("Erzgebirge Gründerforum", "e.V.", "verein", Region.ERZGEBIRGSKREIS, "Annaberg-Buchholz", "09456", "Adam-Ries-Straße 16", "Gründungsberatung", ["gruendung"]),
    ("Zschopautal IT-Sicherheit", "GmbH", "unternehmen-10-49", Region.ERZGEBIRGSKREIS, "Zschopau", "09405", "Johannisstraße 5", "IT-Sicherheit", ["it-sicherheit"]),
    ("Stollberger Netzdienste", "GmbH", "unternehmen-10-49", Region.ERZGEBIRGSKREIS, "Stollberg/Erzgeb.", "09366", "Hohensteiner Straße 44", "Telekommunikation", ["breitband"]),
    ("Kammweg Medien", "UG (haftungsbeschränkt)", "unternehmen-1-9", Region.ERZGEBIRGSKREIS, "Oberwiesenthal", "09484", "Karlsbader Straße 1", "Medienproduktion", ["e-commerce"]),
    ("Zwickauer Fahrzeugdaten", "GmbH", "unternehmen-50-249", Region.ZWICKAU, "Zwickau", "08056", "Crimmitschauer Straße 60", "Automobilzulieferung", ["industrie-4-0", "kuenstliche-intelligenz"]),
    ("Muldental Softwareschmiede", "GmbH", "unternehmen-10-49", Region.ZWICKAU, "Glauchau", "08371", "Leipziger Straße 18", "Softwareentwicklung", ["kuenstliche-intelligenz"]),
    ("Institut für vernetzte Produktion Westsachsen", "gGmbH", "forschung", Region.ZWICKAU, "Zwickau", "08056", "Kornmarkt 1", "Angewandte Forschung", ["industrie-4-0", "kuenstliche-intelligenz"]),
    ("Stadt Werdau", "Gebietskörperschaft", "kommune", Region.ZWICKAU, "Werdau", "08412", "Markt 10", "Verwaltung", ["e-government", "breitband"]),
    ("Robert-Schumann-Oberschule Digital", "öffentliche Schule", "bildung", Region.ZWICKAU, "Zwickau", "08058", "Bahnhofstraße 12", "Schule", ["fachkraefte"]),
    ("Sachsenring Web Solutions", "GbR", "unternehmen-1-9", Region.ZWICKAU, "Hohenstein-Ernstthal", "09337", "Altmarkt 4", "Webentwicklung", ["e-commerce", "gruendung"]),
    ("Crimmitschauer Textil 4.0", "GmbH", "unternehmen-50-249", Region.ZWICKAU, "Crimmitschau", "08451", "Leipziger Straße 39", "Textilindustrie", ["industrie-4-0"]),
    ("Lichtenstein Logistik IT", "GmbH", "unternehmen-10-49", Region.ZWICKAU, "Lichtenstein/Sa.", "09350", "Innere Zwickauer Straße 3", "Logistiksoftware", ["kuenstliche-intelligenz"]),
    ("Wirtschaftsjunioren Zwickau", "e.V.", "verein", Region.ZWICKAU, "Zwickau", "08056", "Äußere Schneeberger Straße 34", "Interessenvertretung", ["gruendung", "fachkraefte"]),
    ("Kirchberger Elektronik", "GmbH", "unternehmen-10-49", Region.ZWICKAU, "Kirchberg", "08107", "Neumarkt 2", "Elektronikfertigung", ["industrie-4-0"]),
    ("Chemnitzer Datenmanufaktur", "GmbH", "unternehmen-50-249", Region.CHEMNITZ, "Chemnitz", "09111", "Straße der Nationen 12", "Datenanalyse", ["kuenstliche-intelligenz"]),
    ("Smart Systems Kaßberg", "GmbH", "unternehmen-10-49", Region.CHEMNITZ, "Chemnitz", "09112", "Weststraße 21", "Embedded Systems", ["industrie-4-0", "it-sicherheit"]),
    ("Forschungszentrum Digitale Fertigung Chemnitz", "e.V.", "forschung", Region.CHEMNITZ, "Chemnitz", "09126", "Reichenhainer Straße 88", "Forschung", ["industrie-4-0", "kuenstliche-intelligenz"]),
    ("Makerspace Sonnenberg", "e.V.", "verein", Region.CHEMNITZ, "Chemnitz", "09130", "Fürstenstraße 40", "Bildung und Kultur", ["fachkraefte", "gruendung"]),
    ("Schlossteich Consulting", "PartG", "unternehmen-1-9", Region.CHEMNITZ, "Chemnitz", "09113", "Schloßteichstraße 5", "Digitalisierungsberatung", ["e-government"]),
    ("Chemnitzer Cybersicherheit", "GmbH", "unternehmen-10-49", Region.CHEMNITZ, "Chemnitz", "09120", "Annaberger Straße 73", "IT-Sicherheit", ["it-sicherheit"]),
    ("Brückenstraße Games", "UG (haftungsbeschränkt)", "unternehmen-1-9", Region.CHEMNITZ, "Chemnitz", "09111", "Brückenstraße 13", "Spieleentwicklung", ["gruendung"]),
    ("Berufsakademie Digital Chemnitz", "gGmbH", "bildung", Region.CHEMNITZ, "Chemnitz", "09116", "Zwickauer Straße 150", "Hochschulbildung", ["fachkraefte"]),
    ("Sachsen Cloud Infrastruktur", "AG", "unternehmen-250", Region.SAXONY, "Dresden", "01067", "Ostra-Allee 9", "Rechenzentren", ["breitband", "it-sicherheit"]),
    ("Leipziger Shoptechnik", "GmbH", "unternehmen-10-49", Region.SAXONY, "Leipzig", "04109", "Katharinenstraße 8", "E-Commerce-Plattformen", ["e-commerce"]),
    ("Digitalverband Mitteldeutschland", "e.V.", "verein", Region.SAXONY, "Freiberg", "09599", "Obermarkt 1", "Verband", ["e-government", "fachkraefte"]),
    ("Oberfranken IT Partner", "GmbH", "unternehmen-10-49", Region.OUTSIDE, "Hof", "95028", "Ludwigstraße 20", "IT-Dienstleistungen", ["it-sicherheit"]),
    ("Thüringer Automationstechnik", "GmbH", "unternehmen-50-249", Region.OUTSIDE, "Gera", "07545", "Sorge 11", "Automatisierung", ["industrie-4-0"]),
    ("Andrea Wolf", "", "foerdermitglied", Region.VOGTLANDKREIS, "Plauen", "08523", "Jößnitzer Straße 4", "", ["fachkraefte"]),
    ("Thomas Uhlig", "", "foerdermitglied", Region.ERZGEBIRGSKREIS, "Schneeberg", "08289", "Markt 7", "", ["gruendung"]),
    ("Katrin Neubert", "", "foerdermitglied", Region.CHEMNITZ, "Chemnitz", "09111", "Theaterstraße 3", "", ["kuenstliche-intelligenz"]),
    ("Michael Seidel", "", "foerdermitglied", Region.ZWICKAU, "Zwickau", "08056", "Hauptmarkt 5", "", ["e-government"]),
]  # fmt: skip

FIRST_NAMES = ["Anja", "Jens", "Sabine", "Uwe", "Claudia", "Frank", "Kerstin", "Steffen", "Ines", "Torsten"]
LAST_NAMES = ["Müller", "Schmidt", "Richter", "Hoffmann", "Krause", "Lorenz", "Günther", "Fischer", "Wagner", "Böhm"]
BANDS = {
    "unternehmen-1-9": "1-9",
    "unternehmen-10-49": "10-49",
    "unternehmen-50-249": "50-249",
    "unternehmen-250": "250+",
}


def load() -> None:
    """Create the demo content of this app (idempotent)."""
    types = {}
    for position, (slug, de, en, category, fee) in enumerate(TYPES):
        types[slug], _created = MembershipType.objects.update_or_create(
            slug=slug,
            defaults={
                "name_de": de,
                "name_en": en,
                "category": category,
                "annual_fee": Decimal(fee),
                "position": position,
            },
        )
    topics = {}
    for slug, de, en in TOPICS:
        topics[slug], _created = Topic.objects.update_or_create(slug=slug, defaults={"name_de": de, "name_en": en})
    for number, (name, legal_form, type_slug, region, city, postcode, street, sector, topic_slugs) in enumerate(
        MEMBERS, start=1
    ):
        listed = number % 7 != 0  # some members chose not to be listed
        individual = type_slug == "foerdermitglied"
        fields = ["description", "topics"] if individual else ["description", "website", "address", "topics", "contact"]
        description = (
            f"{name} unterstützt das Netzwerk als Fördermitglied."
            if individual
            else f"{sector} aus {city}: Wir bringen unsere Erfahrung in die Arbeitskreise von SWS Digital ein."
        )
        # Every fifth member has written no English text: the English directory shows the German one, marked.
        description_en = (
            ""
            if number % 5 == 0
            else f"{name} supports the network as a sponsoring member."
            if individual
            else f"Based in {city}, we bring our experience to the working groups of SWS Digital."
        )
        member, _created = Member.objects.update_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "legal_form": legal_form,
                "sector": sector,
                "employee_band": BANDS.get(type_slug, ""),
                "street": street,
                "postcode": postcode,
                "city": city,
                "region": region,
                "website": "" if individual else f"https://www.{slugify(name)}.example",
                "description": description,
                "description_en": description_en,
                "membership_type": types[type_slug],
                "number": number,
                "joined_on": datetime.date(2018 + number % 8, 1 + number % 12, 1),
                "directory_listed": listed,
                "directory_fields": fields,
            },
        )
        member.topics.set([topics[s] for s in topic_slugs])
        first, last = FIRST_NAMES[number % 10], LAST_NAMES[(number * 3) % 10]
        Contact.objects.update_or_create(
            member=member,
            is_main=True,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": "" if individual else "Geschäftsführung",
                "email": f"{slugify(first)}.{slugify(last)}@{slugify(name)}.example",
                "phone": f"0{3741 + number} {100000 + number * 37}",
            },
        )
    MembershipNumberCounter.objects.update_or_create(key="member", defaults={"last_number": len(MEMBERS)})
    for token, name, city, postcode, region in [
        ("demo-1", "Auerbacher Robotik", "Auerbach/Vogtl.", "08209", Region.VOGTLANDKREIS),
        ("demo-2", "Digitalwerkstatt Annaberg", "Annaberg-Buchholz", "09456", Region.ERZGEBIRGSKREIS),
        ("demo-3", "Gemeinde Mülsen", "Mülsen", "08132", Region.ZWICKAU),
    ]:
        application, _created = MembershipApplication.objects.update_or_create(
            submission_token=token,
            defaults={
                "name": name,
                "street": "Hauptstraße 1",
                "postcode": postcode,
                "city": city,
                "region": region,
                "membership_type": types["kommune" if "Gemeinde" in name else "unternehmen-10-49"],
                "first_name": "Lena",
                "last_name": "Hartmann",
                "email": f"lena.hartmann@{slugify(name)}.example",
                "status": MembershipApplication.Status.SUBMITTED,
                "confirmed_at": timezone.now(),
                "directory_listed": True,
                "directory_fields": ["description", "website"],
            },
        )
        application.topics.set([topics["industrie-4-0"]])
