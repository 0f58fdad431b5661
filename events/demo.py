"""Demo content of the events app: a season of past and upcoming events."""

from datetime import datetime, time, timedelta
from urllib.parse import quote

from django.utils import timezone

from .models import Event, Registration, Series, Topic, Venue

# slug, German name and description, English name and description
_SERIES = [
    (
        "smartrailcampus",
        "SmartRailCampus",
        "<p>Gesprächsreihe rund um die digitale Bahn: Instandhaltung, Mobilität, Smart Services.</p>",
        "SmartRailCampus",
        "<p>A series of talks on the digital railway: maintenance, mobility and smart services.</p>",
    ),
    (
        "digital-gipfel",
        "Regionaler Digital-Gipfel",
        "<p>Das jährliche Treffen der Digitalwirtschaft in Südwestsachsen.</p>",
        "Regional Digital Summit",
        "<p>The yearly meeting of the digital economy in south-west Saxony.</p>",
    ),
    (
        "digitalstammtisch",
        "Digitalstammtisch",
        "<p>Offener Austausch am Abend, reihum bei unseren Mitgliedern.</p>",
        "Digital get-together",
        "<p>An open evening of conversation, hosted by our members in turn.</p>",
    ),
]
_TOPICS = [
    ("mobilitaet", "Mobilität", "Mobility"),
    ("zusammenarbeit", "Digitale Zusammenarbeit", "Digital collaboration"),
    ("ki", "Künstliche Intelligenz", "Artificial intelligence"),
    ("bildung", "Bildung", "Education"),
    ("it-sicherheit", "IT-Sicherheit", "IT security"),
]

_ACCESSIBLE = "Der Veranstaltungsraum ist stufenlos erreichbar; ein barrierefreies WC ist vorhanden."
_ACCESSIBLE_EN = "The venue has step-free access and an accessible toilet."
_IHK = "ihk-plauen"
_WERKBANK = "werkbank32"
_CAMPUS = "whz"
_CHEMNITZ = "smart-systems-hub"
_ANNABERG = "manufaktur"
# name, street, postcode, town, region, notes for participants (German, English)
_VENUES = {
    _IHK: ("IHK Chemnitz, Regionalkammer Plauen", "Friedensstraße 32", "08523", "Plauen", Event.Region.VOGTLAND,
           "Parkplätze im Hof; vom Oberen Bahnhof zehn Minuten zu Fuß.",
           "Parking in the courtyard; a ten-minute walk from Plauen Oberer Bahnhof station."),
    _WERKBANK: ("Werkbank32", "Bahnhofstraße 32", "09648", "Mittweida", Event.Region.MITTELSACHSEN,
                "Gegenüber dem Bahnhof; Eingang über den Hof.",
                "Opposite the station; the entrance is through the courtyard."),
    _CAMPUS: ("Westsächsische Hochschule Zwickau", "Kornmarkt 1", "08056", "Zwickau", Event.Region.ZWICKAU, "", ""),
    _CHEMNITZ: ("Smart Systems Hub, Technologiecampus", "Reichenhainer Straße 88", "09126", "Chemnitz",
                Event.Region.CHEMNITZ, "Straßenbahn Linie 3 bis Technopark.", "Tram line 3 to Technopark."),
    _ANNABERG: ("Manufaktur der Träume", "Buchholzer Straße 2", "09456", "Annaberg-Buchholz",
                Event.Region.ERZGEBIRGE, "", ""),
}  # fmt: skip


def _venues() -> dict[str, Venue]:
    venues = {}
    for key, (name, street, postcode, town, region, notes, notes_en) in _VENUES.items():
        venues[key] = Venue.objects.update_or_create(
            name=name,
            town=town,
            defaults={
                "street": street,
                "postcode": postcode,
                "region": region,
                "accessibility_de": _ACCESSIBLE,
                "accessibility_en": _ACCESSIBLE_EN,
                "participant_notes_de": notes,
                "participant_notes_en": notes_en,
                "map_url": f"https://www.openstreetmap.org/search?query={quote(f'{street}, {postcode} {town}')}",
            },
        )[0]
    return venues


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _events() -> list[dict]:
    return [
        {
            "slug": "smartrailcampus-connectivity",
            "title": "SmartRailCampus: Connectivity – Smart Services, Maintenance, Mobility",
            "series": "smartrailcampus",
            "topics": ["mobilitaet"],
            "teaser": "Wie vernetzte Fahrzeuge und Sensorik die Instandhaltung im Bahnverkehr verändern.",
            "description": (
                "<p><strong>Programm</strong></p>"
                "<ul><li>Begrüßung durch die Westsächsische Hochschule Zwickau und SWS Digital</li>"
                "<li>Drei Impulse: vernetzte Fahrzeuge, Sensorik in der Instandhaltung, Smart Services für "
                "Fahrgäste</li>"
                "<li>Podiumsgespräch mit Fragen aus dem Publikum</li>"
                "<li>Ausklang mit Imbiss im Foyer</li></ul>"
                "<p>Die Teilnahme ist kostenfrei.</p>"
            ),
            "start": _at(-60, 16),
            "hours": 3,
            "venue": _CAMPUS,
            "region": Event.Region.ZWICKAU,
            "capacity": 60,
        },
        {
            "slug": "digital-gipfel-werkbank32",
            "title": "Regionaler Digital-Gipfel in der Werkbank32",
            "series": "digital-gipfel",
            "topics": ["zusammenarbeit", "bildung"],
            "teaser": "Workshops, Impulse und ein Markt der Möglichkeiten für Unternehmen, Kommunen und Schulen.",
            "description": (
                "<p><strong>Programm</strong></p>"
                "<ul><li>9:30 Uhr Ankommen und Eröffnung</li>"
                "<li>10:00 Uhr Workshops: Digitale Verwaltung, Breitband und was danach kommt, Fachkräfte</li>"
                "<li>12:30 Uhr Mittagspause mit Imbiss</li>"
                "<li>13:30 Uhr Markt der Möglichkeiten: Mitglieder zeigen ihre Projekte</li>"
                "<li>15:30 Uhr Ergebnisse der Workshops und Ausblick</li></ul>"
                "<p>Die Teilnahme ist kostenfrei; für Essen und Getränke ist gesorgt.</p>"
            ),
            "start": _at(-30, 9, 30),
            "hours": 7,
            "venue": _WERKBANK,
            "region": Event.Region.MITTELSACHSEN,
            "capacity": 120,
        },
        {
            "slug": "save-the-date-digitale-zusammenarbeit",
            "title": "Save the Date: Instrumente für die digitale Zusammenarbeit",
            "topics": ["zusammenarbeit"],
            "teaser": "Welche Werkzeuge tragen im Alltag kleiner Teams? Erfahrungen aus Mitgliedsunternehmen.",
            "description": (
                "<p>Mitglieder berichten, mit welchen Werkzeugen ihre Teams über mehrere Standorte hinweg arbeiten: "
                "gemeinsame Dokumente, Aufgabenlisten, Videokonferenzen – und was sich im Alltag nicht bewährt "
                "hat.</p>"
                "<p>Sie können in der IHK in Plauen oder online teilnehmen. Das ausführliche Programm folgt in "
                "Kürze; die Anmeldung ist schon jetzt möglich.</p>"
            ),
            "start": _at(12, 16),
            "hours": 2,
            "format": Event.Format.HYBRID,
            "venue": _IHK,
            "region": Event.Region.VOGTLAND,
            "save_the_date": True,
        },
        {
            "slug": "smartrailcampus-ki-instandhaltung",
            "title": "SmartRailCampus: KI in der Instandhaltung",
            "series": "smartrailcampus",
            "topics": ["mobilitaet", "ki"],
            "teaser": "Vorausschauende Wartung mit Daten aus dem laufenden Betrieb – Praxisberichte und Diskussion.",
            "description": (
                "<p><strong>Programm</strong></p>"
                "<ul><li>Begrüßung durch den Vorstand</li>"
                "<li>Praxisberichte: Wartung nach Zustand statt nach Kalender</li>"
                "<li>Diskussion: Welche Daten braucht eine vorausschauende Instandhaltung?</li>"
                "<li>Ausklang bei Getränken und Gesprächen</li></ul>"
                "<p>Die Teilnahme ist kostenfrei.</p>"
            ),
            "start": _at(5, 16),
            "hours": 3,
            "venue": _CAMPUS,
            "region": Event.Region.ZWICKAU,
            "capacity": 12,
            "full": True,
        },
        {
            "slug": "digitalstammtisch-annaberg",
            "title": "Digitalstammtisch im Erzgebirge",
            "series": "digitalstammtisch",
            "topics": ["zusammenarbeit"],
            "teaser": "Offener Abend für alle, die in der Region digital arbeiten.",
            "description": (
                "<p>Kein Vortrag, keine Folien: Beim Digitalstammtisch trifft man sich zum Erfahrungsaustausch in "
                "entspannter Runde. Jede und jeder ist willkommen, ob Mitglied oder nicht.</p>"
                "<p>Essen und Getränke bezahlt jeder selbst.</p>"
            ),
            "start": _at(20, 18),
            "hours": 3,
            "venue": _ANNABERG,
            "region": Event.Region.ERZGEBIRGE,
            "status": Event.Status.CANCELLED,
        },
        {
            "slug": "webinar-it-sicherheit-kmu",
            "title": "Webinar: IT-Sicherheit für kleine und mittlere Unternehmen",
            "topics": ["it-sicherheit"],
            "teaser": "Die zehn wichtigsten Maßnahmen gegen Phishing und Erpressungstrojaner – in einer Stunde.",
            "description": (
                "<p><strong>Ablauf (60 Minuten)</strong></p>"
                "<ul><li>10:00 Uhr Begrüßung</li>"
                "<li>10:05 Uhr Zehn Maßnahmen, die Phishing und Erpressungstrojanern den Weg versperren</li>"
                "<li>10:40 Uhr Ihre Fragen</li>"
                "<li>11:00 Uhr Ende</li></ul>"
                "<p>Sie brauchen nur einen aktuellen Browser; den Zugangslink erhalten Sie nach der Anmeldung per "
                "E-Mail. Die Teilnahme ist kostenfrei.</p>"
            ),
            "start": _at(26, 10),
            "hours": 1,
            "format": Event.Format.ONLINE,
            "region": Event.Region.ONLINE,
            "capacity": 200,
        },
        {
            "slug": "mitgliederversammlung",
            "title": "Mitgliederversammlung",
            "teaser": "Jahresbericht, Haushalt und Ausblick – nur für Mitglieder.",
            "description": (
                "<p><strong>Tagesordnung</strong></p>"
                "<ol><li>Begrüßung und Feststellung der Beschlussfähigkeit</li>"
                "<li>Jahresbericht des Vorstands</li>"
                "<li>Kassenbericht und Bericht der Kassenprüfung</li>"
                "<li>Entlastung des Vorstands</li>"
                "<li>Haushaltsplan für das kommende Jahr</li>"
                "<li>Verschiedenes</li></ol>"
                "<p>Die Einladung mit allen Unterlagen erhalten die Mitglieder fristgerecht per E-Mail. Jede "
                "Mitgliedsorganisation kann bis zu zwei Personen anmelden.</p>"
            ),
            "start": _at(40, 17),
            "hours": 2,
            "venue": _IHK,
            "region": Event.Region.VOGTLAND,
            "members_only": True,
            "max_places": 2,
        },
        {
            "slug": "digital-gipfel-chemnitz",
            "title": "Regionaler Digital-Gipfel: zweite Runde",
            "series": "digital-gipfel",
            "topics": ["ki", "bildung"],
            "teaser": "Was aus den Ideen des Gipfels in der Werkbank32 geworden ist – und wie es weitergeht.",
            "description": (
                "<p><strong>Programm</strong></p>"
                "<ul><li>9:00 Uhr Rückblick auf den Gipfel in Mittweida: Welche Vorhaben laufen schon?</li>"
                "<li>10:00 Uhr Workshops: Künstliche Intelligenz im Mittelstand, digitale Bildung an Schulen</li>"
                "<li>12:30 Uhr Mittagessen</li>"
                "<li>13:30 Uhr Ergebnisse der Workshops und Podiumsgespräch</li>"
                "<li>16:00 Uhr Ausklang</li></ul>"
                "<p>Die Teilnahme ist kostenfrei; für Mittagessen und Getränke ist gesorgt. Bitte geben Sie bei der "
                "Anmeldung an, welchen Workshop Sie besuchen möchten.</p>"
            ),
            "start": _at(75, 9),
            "hours": 8,
            "venue": _CHEMNITZ,
            "region": Event.Region.CHEMNITZ,
            "capacity": 150,
            "extra_questions": "Welchen Workshop möchten Sie besuchen?\nHaben Sie Ernährungswünsche?",
        },
    ]


# The English versions, written for readers abroad; the members' meeting stays German only (it is held in
# German for the members), so the English site shows how a missing translation falls back.
_ENGLISH = {
    "smartrailcampus-connectivity": (
        "SmartRailCampus: Connectivity – Smart Services, Maintenance, Mobility",
        "How connected vehicles and sensors are changing railway maintenance.",
        "<p><strong>Programme</strong></p>"
        "<ul><li>Welcome from the West Saxon University of Applied Sciences Zwickau and SWS Digital</li>"
        "<li>Three short talks: connected vehicles, sensors in maintenance, smart services for passengers</li>"
        "<li>Panel discussion with questions from the audience</li>"
        "<li>Snacks and conversation in the foyer</li></ul>"
        "<p>Admission is free.</p>",
    ),
    "digital-gipfel-werkbank32": (
        "Regional Digital Summit at Werkbank32",
        "Workshops, talks and a marketplace of ideas for companies, local authorities and schools.",
        "<p><strong>Programme</strong></p>"
        "<ul><li>9.30 am Arrival and opening</li>"
        "<li>10 am Workshops: digital public services, broadband and what comes next, skilled workers</li>"
        "<li>12.30 pm Lunch break</li>"
        "<li>1.30 pm Marketplace: members present their projects</li>"
        "<li>3.30 pm Results of the workshops and outlook</li></ul>"
        "<p>Admission is free; food and drinks are provided.</p>",
    ),
    "save-the-date-digitale-zusammenarbeit": (
        "Save the date: tools for digital collaboration",
        "Which tools hold up in the everyday work of small teams? Experience from our member companies.",
        "<p>Members tell how their teams work together across several sites: shared documents, task lists, "
        "video calls – and what did not stand the test of daily work.</p>"
        "<p>You can take part at the chamber of commerce in Plauen or online. The full programme follows "
        "shortly; you can already register now.</p>",
    ),
    "smartrailcampus-ki-instandhaltung": (
        "SmartRailCampus: AI in maintenance",
        "Predictive maintenance with data from day-to-day operations – reports from practice and discussion.",
        "<p><strong>Programme</strong></p>"
        "<ul><li>Welcome from the board</li>"
        "<li>Reports from practice: maintenance by condition instead of by calendar</li>"
        "<li>Discussion: what data does predictive maintenance need?</li>"
        "<li>Drinks and conversation</li></ul>"
        "<p>Admission is free.</p>",
    ),
    "digitalstammtisch-annaberg": (
        "Digital get-together in the Ore Mountains",
        "An open evening for everyone in the region whose work is digital.",
        "<p>No talks, no slides: the digital get-together is a relaxed evening for sharing experience. "
        "Everyone is welcome, member or not.</p>"
        "<p>Everyone pays for their own food and drinks.</p>",
    ),
    "webinar-it-sicherheit-kmu": (
        "Webinar: IT security for small and medium-sized businesses",
        "The ten most important measures against phishing and ransomware – in one hour.",
        "<p><strong>Schedule (60 minutes)</strong></p>"
        "<ul><li>10 am Welcome</li>"
        "<li>10.05 am Ten measures that stop phishing and ransomware</li>"
        "<li>10.40 am Your questions</li>"
        "<li>11 am End</li></ul>"
        "<p>All you need is an up-to-date browser; we email you the link to join once you have registered. "
        "Admission is free.</p>",
    ),
    "digital-gipfel-chemnitz": (
        "Regional Digital Summit: the second round",
        "What has become of the ideas from the summit at Werkbank32 – and what comes next.",
        "<p><strong>Programme</strong></p>"
        "<ul><li>9 am Looking back at the summit in Mittweida: which projects are already under way?</li>"
        "<li>10 am Workshops: artificial intelligence in small and medium-sized businesses, digital education "
        "in schools</li>"
        "<li>12.30 pm Lunch</li>"
        "<li>1.30 pm Results of the workshops and panel discussion</li>"
        "<li>4 pm Close</li></ul>"
        "<p>Admission is free; lunch and drinks are provided. Please tell us when you register which workshop "
        "you would like to attend.</p>",
    ),
}


def start_of(slug: str) -> datetime:
    """Return when a demo event starts (the press room's demo writes about some of them)."""
    return next(spec["start"] for spec in _events() if spec["slug"] == slug)


_PEOPLE = [
    "Anja Keller", "Bernd Vogel", "Carla Neumann", "Daniel Roth", "Elena Schubert", "Frank Lorenz",
    "Greta Hahn", "Heiko Brandt", "Ines Walter", "Jonas Krüger", "Katrin Lange", "Lars Seidel",
    "Marta Fuchs", "Nils Böhme", "Olga Richter", "Paul Winkler",
]  # fmt: skip


def load() -> None:
    """Create the demo content of this app (idempotent)."""
    series = {
        slug: Series.objects.update_or_create(
            slug=slug,
            defaults={"name_de": name, "description_de": text, "name_en": name_en, "description_en": text_en},
        )[0]
        for slug, name, text, name_en, text_en in _SERIES
    }
    topics = {
        slug: Topic.objects.update_or_create(slug=slug, defaults={"name_de": name, "name_en": name_en})[0]
        for slug, name, name_en in _TOPICS
    }
    venues = _venues()
    for spec in _events():
        fmt = spec.get("format", Event.Format.IN_PERSON)
        venue = spec.get("venue", "")
        title_en, teaser_en, description_en = _ENGLISH.get(spec["slug"], ("", "", ""))
        event, _created = Event.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "title_de": spec["title"],
                "title_en": title_en,
                "series": series.get(spec.get("series", "")),
                "teaser_de": spec["teaser"],
                "teaser_en": teaser_en,
                "description_de": spec["description"],
                "description_en": description_en,
                "start": spec["start"],
                "end": spec["start"] + timedelta(hours=spec["hours"]),
                "format": fmt,
                "region": spec.get("region", ""),
                "venue": venues.get(venue),
                "online_url": "https://meet.sws-digital.example/webinar" if fmt != Event.Format.IN_PERSON else "",
                "organiser": "Südwestsachsen Digital e.V.",
                "partners": "IHK Chemnitz" if venue == _IHK else "",
                "status": spec.get("status", Event.Status.PUBLISHED),
                "save_the_date": spec.get("save_the_date", False),
                "capacity": spec.get("capacity"),
                "members_only": spec.get("members_only", False),
                "max_places": spec.get("max_places", 1),
                "extra_questions": spec.get("extra_questions", ""),
                "contact_name": "",  # the office: the page names it in the reader's language
                "contact_email": "info@sws-digital.example",
            },
        )
        event.topics.set([topics[t] for t in spec.get("topics", [])])
        if spec.get("full"):
            _fill(event, capacity=spec["capacity"], waiting=4)
        elif event.start < timezone.now():
            _fill(event, capacity=min(len(_PEOPLE), 10), waiting=0)


def _fill(event: Event, *, capacity: int, waiting: int) -> None:
    base = event.start - timedelta(days=14)
    for i, name in enumerate(_PEOPLE[: capacity + waiting]):
        email = f"{name.split()[0].lower()}.{name.split()[1].lower().replace('ü', 'ue').replace('ö', 'oe')}@example.org"
        confirmed = i < capacity
        Registration.objects.update_or_create(
            event=event,
            email=email,
            defaults={
                "name": name,
                "organisation": "Mitgliedsunternehmen",
                "places": 1,
                "status": Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITING,
                "created_at": base + timedelta(hours=i),
                "confirmed_at": base + timedelta(hours=i) if confirmed else None,
                "checked_in_at": event.start if confirmed and event.start < timezone.now() else None,
            },
        )
