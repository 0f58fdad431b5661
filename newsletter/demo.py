"""Demo content of the newsletter: topics, two sent issues in the archive and a draft."""

from datetime import timedelta

from django.utils import timezone

from .models import Mailing, Topic

TOPICS = [
    ("events", "Veranstaltungen und Termine", "Events", 1),
    ("funding", "Förderprogramme", "Funding programmes", 2),
    ("education", "Schule und Weiterbildung", "Schools and training", 3),
    ("network", "Neues aus dem Netzwerk", "News from the network", 4),
]

MAILINGS = [
    (
        "Ein Jahr SWS Digital: 47 Mitglieder und über 1.000 Kontakte",
        "Was das Netzwerk im ersten Jahr erreicht hat",
        "<h2>Ein Jahr Netzwerk</h2>"
        "<p>Nach gut einem Jahr zählt Südwestsachsen Digital 47 Mitglieder und mehr als 1.000 Kontakte. "
        "Rund 500 Menschen haben an unseren Schulungen und Netzwerktreffen teilgenommen.</p>"
        "<p>Unternehmen haben neue Kunden und Partner gefunden, Schulen Sponsoren, und zwei Startups "
        "wurden auf ihrem Weg begleitet.</p>"
        "<p><strong>Unser Anliegen für das kommende Jahr:</strong> eine digitale Standortpolitik für die ganze "
        "Region – mit schnellem Breitband, digitalen Schulen und Ansprechpartnern für Digitalisierung in jeder "
        "Kommune.</p>"
        "<p>Herzliche Grüße<br>Ihre Geschäftsstelle</p>",
        60,
    ),
    (
        "Digital-Gipfel in Mittweida: Mitten im Wandel",
        "Rückblick auf den regionalen Digital-Gipfel in der Werkbank32",
        "<h2>Regionaler Digital-Gipfel</h2>"
        "<p>Beim Tag der offenen Tür der Werkbank32 in Mittweida haben 20 Gäste über die digitale Zukunft "
        "Mittelsachsens diskutiert. Zwei Online-Befragungen und mehrere Workshops bilden die Grundlage "
        "für einen ersten Handlungsrahmen des Landkreises.</p>"
        "<p>Sie möchten beim nächsten Treffen dabei sein? Die Termine finden Sie in unserem "
        '<a href="/termine/">Kalender</a>.</p>',
        20,
    ),
]


def load() -> None:
    """Create the demo content of this app (idempotent)."""
    for slug, name_de, name_en, position in TOPICS:
        Topic.objects.update_or_create(
            slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position}
        )
    now = timezone.now()
    for subject, preheader, body, days_ago in MAILINGS:
        sent = now - timedelta(days=days_ago)
        Mailing.objects.update_or_create(
            subject=subject,
            defaults={
                "preheader": preheader,
                "body": body,
                "status": Mailing.Status.SENT,
                "started_at": sent,
                "finished_at": sent,
                "in_archive": True,
                "include_events": False,
                "include_news": False,
            },
        )
    Mailing.objects.update_or_create(
        subject="Newsletter – Entwurf für die nächste Ausgabe",
        defaults={
            "preheader": "Termine, Förderung und Neues aus dem Netzwerk",
            "body": "<h2>Liebe Leserinnen und Leser,</h2><p>hier entsteht die nächste Ausgabe.</p>",
            "status": Mailing.Status.DRAFT,
            "in_archive": True,
        },
    )
