"""Demo content of the events app: a season of past and upcoming events."""

from datetime import datetime, time, timedelta
from urllib.parse import quote

from django.utils import timezone

from .models import Event, Registration, Series, Topic, Venue

_SERIES = [
    (
        "smartrailcampus",
        "SmartRailCampus",
        "<p>Gesprächsreihe rund um die digitale Bahn: Instandhaltung, Mobilität, Smart Services.</p>",
    ),
    (
        "digital-gipfel",
        "Regionaler Digital-Gipfel",
        "<p>Das jährliche Treffen der Digitalwirtschaft in Südwestsachsen.</p>",
    ),
    (
        "digitalstammtisch",
        "Digitalstammtisch",
        "<p>Offener Austausch am Abend, reihum bei unseren Mitgliedern.</p>",
    ),
]
_TOPICS = [
    ("mobilitaet", "Mobilität"),
    ("zusammenarbeit", "Digitale Zusammenarbeit"),
    ("ki", "Künstliche Intelligenz"),
    ("bildung", "Bildung"),
    ("it-sicherheit", "IT-Sicherheit"),
]

_ACCESSIBLE = "Der Veranstaltungsraum ist stufenlos erreichbar; ein barrierefreies WC ist vorhanden."
_IHK = "ihk-plauen"
_WERKBANK = "werkbank32"
_CAMPUS = "whz"
_CHEMNITZ = "smart-systems-hub"
_ANNABERG = "manufaktur"
# name, street, postcode, town, region, notes for participants
_VENUES = {
    _IHK: ("IHK Chemnitz, Regionalkammer Plauen", "Friedensstraße 32", "08523", "Plauen", Event.Region.VOGTLAND,
           "Parkplätze im Hof; vom Oberen Bahnhof zehn Minuten zu Fuß."),
    _WERKBANK: ("Werkbank32", "Bahnhofstraße 32", "09648", "Mittweida", Event.Region.MITTELSACHSEN,
                "Gegenüber dem Bahnhof; Eingang über den Hof."),
    _CAMPUS: ("Westsächsische Hochschule Zwickau", "Kornmarkt 1", "08056", "Zwickau", Event.Region.ZWICKAU, ""),
    _CHEMNITZ: ("Smart Systems Hub, Technologiecampus", "Reichenhainer Straße 88", "09126", "Chemnitz",
                Event.Region.CHEMNITZ, "Straßenbahn Linie 3 bis Technopark."),
    _ANNABERG: ("Manufaktur der Träume", "Buchholzer Straße 2", "09456", "Annaberg-Buchholz",
                Event.Region.ERZGEBIRGE, ""),
}  # fmt: skip


def _venues() -> dict[str, Venue]:
    venues = {}
    for key, (name, street, postcode, town, region, notes) in _VENUES.items():
        venues[key] = Venue.objects.update_or_create(
            name=name,
            town=town,
            defaults={
                "street": street,
                "postcode": postcode,
                "region": region,
                "accessibility": _ACCESSIBLE,
                "participant_notes": notes,
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
        slug: Series.objects.update_or_create(slug=slug, defaults={"name": name, "description": text})[0]
        for slug, name, text in _SERIES
    }
    topics = {slug: Topic.objects.update_or_create(slug=slug, defaults={"name": name})[0] for slug, name in _TOPICS}
    venues = _venues()
    for spec in _events():
        fmt = spec.get("format", Event.Format.IN_PERSON)
        venue = spec.get("venue", "")
        event, _created = Event.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "series": series.get(spec.get("series", "")),
                "teaser": spec["teaser"],
                "description": spec["description"],
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
                "contact_name": "Geschäftsstelle",
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
