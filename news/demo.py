"""Demo content of the press room: releases in the association's style, with datelines and photo credits."""

import io
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from PIL import Image, ImageDraw

from events.demo import start_of
from events.selectors import events_public_plain

from . import services
from .models import NewsAttachment, NewsItem, PressContact, Topic

BERLIN = ZoneInfo("Europe/Berlin")

TOPICS = [
    ("mint", "MINT", "STEM"),
    ("digitale-verwaltung", "Digitale Verwaltung", "Digital administration"),
    ("fachkraefte", "Fachkräfte", "Skilled workers"),
    ("forschung", "Forschung und KI", "Research and AI"),
    ("netzwerk", "Netzwerk", "Network"),
]

CONTACT = {
    "name": "Geschäftsstelle SWS Digital",
    "role": "Presse- und Öffentlichkeitsarbeit",
    "email": "presse@sws-digital.example",
    "phone": "+49 3741 000000",
}

# (slug, kind, place, date, title, lead, body, topics, [(alt, caption, credit, colours)]); the history of the
# network, with the dates it happened. Items about the demo season's events follow them (_season_items).
ITEMS = [
    (
        "unternehmen-zeigen-dem-wirtschaftsminister-digitale-praxis",
        NewsItem.Kind.PRESS_RELEASE,
        "Plauen",
        datetime(2019, 5, 3, 9, 0),
        "Zwanzig Beispiele in kurzer Zeit: Netzwerk zeigt dem Wirtschaftsminister digitale Praxis",
        "Am Montag, dem 6. Mai 2019, stellen 20 Geschäftsführerinnen, Geschäftsführer und Mitglieder von "
        "SWS Digital dem sächsischen Wirtschaftsminister Martin Dulig vor, wie sie mit digitalen Technologien "
        "Probleme lösen und neue Ideen umsetzen.",
        "<p>Jede Präsentation dauert nur wenige Minuten – mehr braucht es nicht, um zu zeigen, was in den "
        "Betrieben zwischen Vogtland, Erzgebirge, Zwickau und Chemnitz bereits läuft. Die Beispiele reichen "
        "von der vernetzten Fertigung über digitale Dienstleistungen bis zu Lernangeboten an Schulen.</p>"
        "<p>„Wer hier investiert, findet gute Voraussetzungen vor. Die Digitalisierung macht den Abstand zwischen "
        "Metropole und ländlicher Region kleiner“, sagt der Vorstand des Vereins. Damit das so bleibt, braucht "
        "es eine begleitende Infrastruktur: schnelles Breitband, digitale Schulen und Kommunen, die die "
        "Digitalisierung ihrer Verwaltung planvoll angehen.</p>"
        "<h2>Ein Jahr Netzwerk in Zahlen</h2>"
        "<ul><li>47 Mitglieder aus Wirtschaft, Bildung, Forschung und Verwaltung</li>"
        "<li>über 1.000 Kontakte im Netzwerk</li>"
        "<li>rund 500 Teilnehmende in Schulungen und Netzwerkveranstaltungen</li></ul>"
        "<p>Vermittelt wurden Jobs, Praktika und eine Promotion; zwei Startups hat das Netzwerk begleitet.</p>",
        ["netzwerk", "fachkraefte"],
        [
            (
                "Gruppe von Menschen vor einer Präsentationswand in einem hellen Saal",
                "Mitglieder des Netzwerks bereiten ihre Kurzvorträge vor.",
                "Jana Beispiel (SWS Digital e.V.)",
                ((15, 42, 61), (11, 93, 107)),
            ),
        ],
    ),
    (
        "suedwestsachsen-braucht-eine-digitale-standortpolitik",
        NewsItem.Kind.PRESS_RELEASE,
        "Plauen",
        datetime(2019, 5, 6, 14, 30),
        "„Südwestsachsen braucht eine digitale Standortpolitik“",
        "Beim Besuch des Wirtschaftsministers fordert SWS Digital einen strategisch arbeitenden "
        "Digitalisierungsmanager in jeder Kommune und ein Forschungszentrum im Vogtland.",
        "<p>Unternehmen und Schulen, die in die Digitalisierung investieren, sind auf eine verlässliche "
        "Infrastruktur angewiesen. Das Netzwerk nennt dafür vier Punkte:</p>"
        "<ol><li>einen Digitalisierungsmanager in jeder Kommune,</li>"
        "<li>schnelles Breitband in der Fläche,</li>"
        "<li>die Digitalisierung aller Schulen,</li>"
        "<li>die Umsetzung des Masterplans „Digitale Verwaltung Sachsen“.</li></ol>"
        "<p>Bisher fließen Forschungsgelder vor allem in die großen Städte. Ein Zentrum für künstliche "
        "Intelligenz im Vogtland wäre ein deutliches Signal an Unternehmen und Fachkräfte der Region, "
        "betont das Kuratorium des Vereins.</p>",
        ["digitale-verwaltung", "forschung"],
        [
            (
                "Podium mit vier Personen und Mikrofonen vor Publikum",
                "Diskussion über digitale Infrastruktur in den Kommunen.",
                "Max Mustermann (IHK Regionalkammer Plauen)",
                ((143, 46, 9), (185, 60, 12)),
            ),
            (
                "Blick von hinten in einen vollbesetzten Veranstaltungsraum",
                "",
                "Jana Beispiel (SWS Digital e.V.)",
                ((11, 93, 107), (60, 140, 150)),
            ),
        ],
    ),
    (
        "netzwerk-buendelt-regionale-it-kompetenzen",
        NewsItem.Kind.NEWS,
        "Annaberg-Buchholz",
        datetime(2018, 4, 18, 10, 0),
        "Ein Netzwerk bündelt die IT-Kompetenz Südwestsachsens",
        "Im Technologieorientierten Gründer- und Dienstleistungszentrum Annaberg hat sich SWS Digital "
        "Unternehmen, Bildungsträgern, Vereinen und Kommunen aus dem Erzgebirge vorgestellt.",
        "<p>Digitalisierung ist mehr als der Roboter in der Fertigung: Software, IT-Sicherheit, neue "
        "Dienstleistungen und Kommunikationswege gehören ebenso dazu. Der Freistaat Sachsen fördert den "
        "Aufbau des Netzwerks mit 200.000 Euro.</p>"
        "<p>Der Verein ist im Vogtlandkreis, im Erzgebirgskreis, im Landkreis Zwickau und in der Stadt Chemnitz "
        "aktiv. Seine Geschäftsstelle hat er bei der IHK Regionalkammer Plauen. Ziel ist, dass bestehende "
        "Betriebe mit digitalen Technologien stärker werden, neue entstehen und Fachkräfte in der Region "
        "bleiben oder zurückkehren.</p>",
        ["netzwerk"],
        [],
    ),
    (
        "abschlussevent-datalab-westsax",
        NewsItem.Kind.REPORT,
        "Zwickau",
        datetime(2025, 9, 19, 10, 0),
        "DataLabWestSax zieht Bilanz",
        "Zum Abschluss des DataLabWestSax stellten Unternehmen und Hochschulen vor, was sie mit ihren Daten "
        "gemeinsam erreicht haben – und welche Digitalisierungen als Nächstes anstehen.",
        "<p>Aus Sensordaten einer Spritzgießmaschine wurde ein Frühwarnsystem, aus Kundendaten eines Händlers "
        "eine bessere Bedarfsplanung. Die Projekte zeigen, dass datengetriebene Lösungen auch für kleinere "
        "Betriebe erreichbar sind.</p>"
        "<p>Die Präsentationen stehen als PDF zum Herunterladen bereit.</p>",
        ["forschung", "mint"],
        [
            (
                "Diagramme auf einem großen Bildschirm, davor zwei Personen im Gespräch",
                "Ergebnisse aus den Datenprojekten.",
                "Max Mustermann (Westsächsische Hochschule Zwickau)",
                ((40, 40, 90), (11, 93, 107)),
            ),
        ],
    ),
]


def _season_items() -> list[tuple]:
    """Return the items about demo events, dated after them: a report of the last session, an announcement."""
    report_day = timezone.localtime(start_of("smartrailcampus-connectivity"))
    announced = timezone.localtime(start_of("save-the-date-digitale-zusammenarbeit"))
    with translation.override("de"):
        report_date = date_format(report_day, "DATE_FORMAT")
        announced_date = date_format(announced, "DATE_FORMAT")
        announced_time = time_format(announced, "TIME_FORMAT")
    return [
        (
            "mint-nachwuchs-smart-rail-connectivity-campus",
            NewsItem.Kind.REPORT,
            "Zwickau",
            (report_day + timedelta(days=1)).replace(hour=11, minute=0),
            "Rückblick: Connectivity, Smart Services und Mobilität auf dem Smart Rail Campus",
            "Beim gemeinsamen Abend von SmartRailCampus und SWS Digital ging es um vernetzte Wartung, "
            "digitale Dienste und die Frage, wie Schulen junge Menschen für MINT-Berufe begeistern.",
            f"<p>Gäste aus Unternehmen, Hochschulen und Schulen kamen am {report_date} an der Westsächsischen "
            "Hochschule Zwickau zusammen. In drei kurzen Impulsen zeigten Mitglieder, wie Sensordaten die "
            "Instandhaltung planbar machen und welche Dienste daraus entstehen.</p>"
            "<p>Im zweiten Teil stand der Nachwuchs im Mittelpunkt: Mathematik, Informatik, Naturwissenschaften und "
            "Technik – kurz MINT – sind die Grundlage für die digitalisierten Berufe von morgen. Mehrere Schulen "
            "haben an diesem Abend neue Partner für Praktika gefunden.</p>"
            "<p>Die Reihe geht weiter: Die nächste Sitzung widmet sich der künstlichen Intelligenz in der "
            "Instandhaltung.</p>",
            ["mint", "fachkraefte"],
            [
                (
                    "Schülerinnen und Schüler an einem Modell eines Schienenfahrzeugs mit Sensoren",
                    "Praxis zum Anfassen: Sensorik am Schienenmodell.",
                    "Jana Beispiel (Smart Rail Connectivity Campus e.V.)",
                    ((20, 70, 40), (11, 93, 107)),
                ),
            ],
        ),
        (
            "instrumente-fuer-die-digitale-zusammenarbeit",
            NewsItem.Kind.NEWS,
            "Plauen",
            (announced - timedelta(days=16)).replace(hour=9, minute=0),
            "Save the Date: Instrumente für die digitale Zusammenarbeit",
            f"Am {announced_date} um {announced_time} zeigen Mitglieder in der IHK in Plauen, mit welchen "
            "Werkzeugen Teams über Standorte hinweg zusammenarbeiten – vom gemeinsamen Dokument bis zur "
            "Videokonferenz. Wer nicht nach Plauen kommen kann, ist online dabei.",
            "<p>Die Veranstaltung richtet sich an kleine und mittlere Unternehmen, Vereine und Verwaltungen, die ihre "
            "Zusammenarbeit vereinfachen möchten. Nach den Kurzvorträgen bleibt Zeit für Fragen und Gespräche.</p>"
            "<p>Die Anmeldung ist über den Terminkalender des Portals möglich.</p>",
            ["netzwerk", "digitale-verwaltung"],
            [],
        ),
    ]


def _demo_image(colours: tuple[tuple[int, int, int], tuple[int, int, int]], seed: str) -> SimpleUploadedFile:
    """Draw a simple abstract picture (gradient and shapes) as a JPEG upload."""
    width, height = 1200, 675
    top, bottom = colours
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    rng = random.Random(seed)
    for _ in range(14):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(20, 160)
        shade = tuple(min(255, c + rng.randint(30, 90)) for c in top)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=shade, width=rng.randint(2, 6))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return SimpleUploadedFile(f"{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _demo_pdf(title: str) -> bytes:
    """A one-page PDF drawn with Pillow (no downloads)."""
    page = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle([0, 0, 595, 90], fill=(15, 42, 61))
    draw.text((40, 35), "Südwestsachsen Digital e.V. – Pressemappe", fill="white")
    draw.text((40, 130), title, fill=(15, 42, 61))
    buffer = io.BytesIO()
    page.save(buffer, format="PDF")
    return buffer.getvalue()


def _embargo_time() -> datetime:
    """Ten o'clock on the first day of next month: a stable time in the future for the scheduled item."""
    today = timezone.localdate()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return datetime.combine(today.replace(year=year, month=month, day=1), time(10, 0), tzinfo=BERLIN)


# English versions, written for the English site (slug: title, lead, body, [(alt text, caption)] per image).
# "netzwerk-buendelt-regionale-it-kompetenzen" stays German only (flag set): its English page shows the German
# text, marked, and the sitemap lists no English address for it.
GERMAN_ONLY = {"netzwerk-buendelt-regionale-it-kompetenzen"}
ENGLISH = {
    "unternehmen-zeigen-dem-wirtschaftsminister-digitale-praxis": (
        "Twenty examples in a short time: the network shows the Minister for Economic Affairs digital practice",
        "On Monday, 6 May 2019, 20 managing directors and members of SWS Digital show Saxony's Minister for "
        "Economic Affairs, Martin Dulig, how they use digital technology to solve problems and put new ideas "
        "into practice.",
        "<p>Each presentation takes only a few minutes – no more is needed to show what is already running in "
        "the companies between the Vogtland, the Ore Mountains, Zwickau and Chemnitz. The examples range from "
        "connected manufacturing and digital services to learning offers at schools.</p>"
        "<p>“Whoever invests here finds good conditions. Digitalisation narrows the gap between the city and "
        "the countryside,” says the association's board. For it to stay that way, the region needs the "
        "infrastructure to go with it: fast broadband, digital schools and municipalities that plan the "
        "digitalisation of their administration.</p>"
        "<h2>One year of the network in figures</h2>"
        "<ul><li>47 members from business, education, research and administration</li>"
        "<li>more than 1,000 contacts in the network</li>"
        "<li>around 500 participants in training courses and network events</li></ul>"
        "<p>The network has helped to fill jobs, internships and a doctoral position, and has supported two "
        "start-ups.</p>",
        [
            (
                "Group of people in front of a presentation wall in a bright hall",
                "Members of the network prepare their short talks.",
            )
        ],
    ),
    "suedwestsachsen-braucht-eine-digitale-standortpolitik": (
        "“South-West Saxony needs a digital location policy”",
        "During the minister's visit, SWS Digital calls for a strategic digitalisation manager in every "
        "municipality and a research centre in the Vogtland.",
        "<p>Companies and schools that invest in digitalisation depend on reliable infrastructure. The network "
        "names four points:</p>"
        "<ol><li>a digitalisation manager in every municipality,</li>"
        "<li>fast broadband across the region,</li>"
        "<li>the digitalisation of all schools,</li>"
        "<li>putting the master plan “Digital Administration Saxony” into practice.</li></ol>"
        "<p>So far, research funding has gone mainly to the large cities. A centre for artificial intelligence "
        "in the Vogtland would send a clear signal to the region's companies and skilled workers, the "
        "association's board of trustees stresses.</p>",
        [
            (
                "Panel of four people with microphones in front of an audience",
                "Discussion about digital infrastructure in the municipalities.",
            ),
            ("View from the back into a full event room", ""),
        ],
    ),
    "abschlussevent-datalab-westsax": (
        "DataLabWestSax takes stock",
        "At the closing event of DataLabWestSax, companies and universities presented what they have achieved "
        "together with their data – and which digitalisation steps come next.",
        "<p>Sensor data from an injection moulding machine became an early warning system, a retailer's customer "
        "data became better demand planning. The projects show that data-driven solutions are within reach of "
        "smaller companies too.</p>"
        "<p>The presentations can be downloaded as a PDF (in German).</p>",
        [("Charts on a large screen, two people talking in front of it", "Results from the data projects.")],
    ),
    "mint-nachwuchs-smart-rail-connectivity-campus": (
        "Looking back: connectivity, smart services and mobility at the Smart Rail Campus",
        "At the joint evening of SmartRailCampus and SWS Digital, the talk was of connected maintenance, "
        "digital services and how schools can get young people interested in STEM careers.",
        "<p>Guests from companies, universities and schools met at the West Saxon University of Applied "
        "Sciences in Zwickau. In three short talks, members showed how sensor data makes maintenance "
        "predictable and which services grow out of it.</p>"
        "<p>The second part was about the next generation: mathematics, computing, natural sciences and "
        "technology – STEM for short – are the basis of tomorrow's digital jobs. Several schools found new "
        "partners for internships that evening.</p>"
        "<p>The series continues: the next session is about artificial intelligence in maintenance.</p>",
        [("Pupils at a model of a rail vehicle fitted with sensors", "Hands-on practice: sensors on the rail model.")],
    ),
    "instrumente-fuer-die-digitale-zusammenarbeit": (
        "Save the date: tools for working together digitally",
        "Members show at the Chamber of Industry and Commerce in Plauen which tools help teams work together "
        "across sites – from the shared document to the video conference. If you cannot come to Plauen, you "
        "can join online.",
        "<p>The event is for small and medium-sized companies, associations and public administrations that want "
        "to make working together simpler. After the short talks there is time for questions and "
        "conversation.</p>"
        "<p>You can register in the portal's event calendar.</p>",
        [],
    ),
    "jahresbilanz-des-netzwerks-sperrfrist": (
        "Embargoed: the network presents its annual report",
        "This release is scheduled and appears only when the embargo ends.",
        "<p>Members, contacts and events of the past year at a glance.</p>",
        [],
    ),
}

# Press items that point to demo events (events/demo.py); linked if those events exist.
RELATED_EVENTS = {
    "mint-nachwuchs-smart-rail-connectivity-campus": [
        "smartrailcampus-connectivity",
        "smartrailcampus-ki-instandhaltung",
    ],
    "suedwestsachsen-braucht-eine-digitale-standortpolitik": ["digital-gipfel-werkbank32", "digital-gipfel-chemnitz"],
    "instrumente-fuer-die-digitale-zusammenarbeit": ["save-the-date-digitale-zusammenarbeit"],
    "netzwerk-buendelt-regionale-it-kompetenzen": ["webinar-it-sicherheit-kmu"],
}


def load() -> None:
    """Create or update topics, the press contact and the demo items with images (idempotent)."""
    topics = {}
    for slug, name_de, name_en in TOPICS:
        topics[slug], _created = Topic.objects.update_or_create(
            slug=slug, defaults={"name_de": name_de, "name_en": name_en}
        )
    contact, _created = PressContact.objects.update_or_create(name=CONTACT["name"], defaults=CONTACT)

    rows = [(*row, NewsItem.Status.PUBLISHED) for row in [*ITEMS, *_season_items()]]
    rows.append(
        (
            "jahresbilanz-des-netzwerks-sperrfrist",
            NewsItem.Kind.PRESS_RELEASE,
            "Plauen",
            _embargo_time(),
            "Sperrfrist: Das Netzwerk legt seine Jahresbilanz vor",
            "Diese Mitteilung ist terminiert und erscheint erst mit Ablauf der Sperrfrist.",
            "<p>Mitglieder, Kontakte und Veranstaltungen des vergangenen Jahres im Überblick.</p>",
            ["netzwerk"],
            [],
            NewsItem.Status.PUBLISHED,
        )
    )
    for slug, kind, place, when, title, lead, body, topic_slugs, images, status in rows:
        published_at = when if when.tzinfo else when.replace(tzinfo=BERLIN)
        item = NewsItem.objects.filter(slug=slug).first() or NewsItem(slug=slug)
        item.kind, item.dateline_place, item.published_at = kind, place, published_at
        item.title_de, item.lead_de, item.body_de, item.status = title, lead, body, status
        title_en, lead_en, body_en, images_en = ENGLISH.get(slug, ("", "", "", []))
        item.title_en, item.lead_en, item.body_en = title_en, lead_en, body_en
        item.german_only = slug in GERMAN_ONLY
        item.press_contact = contact
        services.news_item_save(item=item, topics=[topics[s] for s in topic_slugs])
        if not item.images.exists():
            for position, (alt, caption, credit, colours) in enumerate(images):
                services.news_image_add(
                    item=item,
                    upload=_demo_image(colours, f"{slug}-{position}"),
                    alt_text=alt,
                    caption=caption,
                    credit=credit,
                    position=position,
                )
        for image, (alt_en, caption_en) in zip(item.images.order_by("position", "pk"), images_en, strict=False):
            image.alt_text_en, image.caption_en = alt_en, caption_en
            image.save(update_fields=["alt_text_en", "caption_en"])
    datalab = NewsItem.objects.get(slug="abschlussevent-datalab-westsax")
    if not datalab.attachments.exists():
        attachment = NewsAttachment(item=datalab, title="Präsentationen zum Abschlussevent")
        attachment.file.save("datalab-westsax-praesentationen.pdf", ContentFile(_demo_pdf(datalab.title)), save=False)
        services.news_attachment_save(attachment=attachment)
    for slug, event_slugs in RELATED_EVENTS.items():
        events = events_public_plain().filter(slug__in=event_slugs)
        NewsItem.objects.get(slug=slug).related_events.add(*events)  # add() twice changes nothing
