# Venues as reusable records: one Venue per distinct place typed into the events so far, and the events point
# at it. The text fields go in the next migration (on PostgreSQL a table cannot be altered in the transaction
# that updated its foreign keys: "pending trigger events").

import re
from collections import Counter

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

_POSTCODE_TOWN = re.compile(r"^(?:(?P<street>.*?)[,\s]+)?(?P<postcode>\d{5})\s+(?P<town>\S.*)$")


def split_address(address: str) -> tuple[str, str, str]:
    """Return (street, postcode, town) of a German one-line address; all of it as street if it does not parse."""
    address = " ".join(address.split())
    match = _POSTCODE_TOWN.match(address)
    if not match or len(match["town"]) > 200:
        return address, "", ""
    return (match["street"] or "").strip(" ,"), match["postcode"], match["town"].strip(" ,")


def venues_from_events(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Venue = apps.get_model("events", "Venue")
    places: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
    rows = Event.objects.order_by("start", "pk").values_list(
        "pk", "venue_name", "venue_address", "venue_accessibility", "region"
    )
    for pk, name, address, accessibility, region in rows:
        key = (name.strip(), address.strip(), accessibility.strip())
        if any(key):
            places.setdefault(key, []).append((pk, region))
    for (name, address, accessibility), events in places.items():
        street, postcode, town = split_address(address)
        regions = Counter(region for _pk, region in events if region and region != "online")
        venue = Venue.objects.create(
            name=(name or address or accessibility)[:200],
            street=street,
            postcode=postcode,
            town=town,
            region=regions.most_common(1)[0][0] if regions else "",
            accessibility=accessibility,
        )
        Event.objects.filter(pk__in=[pk for pk, _region in events]).update(venue=venue)


def events_back_to_text(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    for event in Event.objects.filter(venue__isnull=False).select_related("venue"):
        venue = event.venue
        town = f"{venue.postcode} {venue.town}".strip()
        event.venue_name = venue.name
        event.venue_address = ", ".join(part for part in (venue.street, town) if part)[:300]
        event.venue_accessibility = venue.accessibility
        event.save(update_fields=["venue_name", "venue_address", "venue_accessibility"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_rich_text"),
    ]

    operations = [
        migrations.CreateModel(
            name="Venue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("street", models.CharField(blank=True, max_length=300, verbose_name="street address")),
                ("postcode", models.CharField(blank=True, max_length=10, verbose_name="postcode")),
                ("town", models.CharField(blank=True, max_length=200, verbose_name="town")),
                (
                    "region",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("vogtland", "Vogtlandkreis"),
                            ("erzgebirge", "Erzgebirgskreis"),
                            ("zwickau", "Landkreis Zwickau"),
                            ("chemnitz", "Chemnitz"),
                            ("mittelsachsen", "Mittelsachsen"),
                            ("online", "Online"),
                            ("elsewhere", "Elsewhere"),
                        ],
                        max_length=20,
                        verbose_name="region",
                    ),
                ),
                (
                    "accessibility",
                    models.TextField(
                        blank=True,
                        help_text="Step-free access, lift, accessible toilet, hearing loop.",
                        verbose_name="accessibility notes",
                    ),
                ),
                (
                    "map_url",
                    models.URLField(
                        blank=True,
                        help_text="For example the place on OpenStreetMap.",
                        max_length=500,
                        validators=[
                            django.core.validators.URLValidator(
                                message="Please enter a web address starting with https://.",
                                schemes=["http", "https"],
                            )
                        ],
                        verbose_name="map link",
                    ),
                ),
                (
                    "participant_notes",
                    models.TextField(
                        blank=True,
                        help_text="Directions, parking, entrance; shown on the event page and in the confirmation.",
                        verbose_name="notes for participants",
                    ),
                ),
            ],
            options={
                "verbose_name": "venue",
                "verbose_name_plural": "venues",
                "ordering": ["name", "town", "pk"],
            },
        ),
        migrations.AddField(
            model_name="event",
            name="venue",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="events.venue",
                verbose_name="venue",
            ),
        ),
        migrations.RunPython(venues_from_events, events_back_to_text),
    ]
