"""Content for the query-budget tests: every public list at 10 rows, then at 10,000.

Rows are made with bulk_create and carry the relations the pages show (series, topics, images,
registrations, attachments, related events, contacts), so a page that loads a relation per row
needs more queries once the data grows. A few fixed objects (slugs in ``SLUG``) are what the
detail pages show; ``grow()`` also gives them many more related rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from events.models import Event, Registration, Series, Venue
from events.models import Topic as EventTopic
from members.models import Contact, Member, MembershipType, Region
from members.models import Topic as MemberTopic
from news import services as news_services
from news.models import NewsAttachment, NewsImage, NewsItem, PressContact
from news.models import Topic as NewsTopic
from newsletter.models import Delivery, Mailing, Subscriber
from newsletter.models import Topic as NewsletterTopic
from swsdigital.pages import demo as pages_demo

SLUG = {
    "event": "budget-termin",
    "item": "budget-meldung",
    "member": "budget-mitglied",
}
SEARCH_WORD = "Digitalisierung"
BATCH = 2000

_EVENT_REGIONS = [r for r, _label in Event.Region.choices]
_MEMBER_REGIONS = [r for r, _label in Region.choices]
_FORMATS = [Event.Format.IN_PERSON, Event.Format.ONLINE, Event.Format.HYBRID]


def _link(manager_field, pairs: list[tuple[int, int]]) -> None:
    """Insert many-to-many rows (source pk, target pk) with plain multi-row INSERTs.

    A through row is two integers; building a model instance for each of the ~120,000 of them
    would be most of the module's run time.
    """
    through = manager_field.remote_field.through
    source, target = manager_field.m2m_field_name(), manager_field.m2m_reverse_field_name()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(through._meta.get_field(name).column) for name in (source, target))
    head = f"INSERT INTO {quote(through._meta.db_table)} ({columns}) VALUES "  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 400):  # 800 parameters: within every SQLite's limit
            chunk = pairs[start : start + 400]
            cursor.execute(head + ", ".join(["(%s, %s)"] * len(chunk)), [value for pair in chunk for value in pair])


def _pairs(i: int, objects: list) -> list:
    """Return two different objects of a list for row ``i`` (one if the list has only one)."""
    first, second = objects[i % len(objects)], objects[(i * 7 + 1) % len(objects)]
    return [first] if first == second else [first, second]


class BudgetWorld:
    """The portal's content at one scale; ``grow`` brings every public list to a new size."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.n_events = self.n_items = self.n_members = self.n_subscribers = self.n_mailings = 0
        self.target_event: Event | None = None
        self.target_item: NewsItem | None = None
        self.target_member: Member | None = None
        self.target_mailing: Mailing | None = None

    # --- Public entry points ------------------------------------------------

    def build(self, rows: int) -> BudgetWorld:
        """Create the site frame, the lookup rows, the objects of the detail pages and ``rows`` of each list."""
        pages_demo.load()
        self.authors = get_user_model().objects.bulk_create(
            [get_user_model()(email=f"redaktion{n}@example.org", password="!") for n in range(3)]
        )
        self.press_contacts = PressContact.objects.bulk_create(
            [
                PressContact(name=f"Pressestelle {n}", role="Referentin", email=f"presse{n}@example.org")
                for n in range(2)
            ]
        )
        self._lookups(count=4)
        self._targets()
        self._rows(rows)
        return self

    def grow(self, rows: int) -> None:
        """Bring every list to ``rows`` rows, add lookup rows and give the detail pages' objects many relations."""
        self._lookups(count=30)
        self._rows(rows)
        self._target_relations(registrations=490, images=27, attachments=8, related=47, topics=20, contacts=4)

    # --- Lookup rows (topics, series, types) --------------------------------

    def _lookups(self, *, count: int) -> None:
        def more(model, existing: list, make) -> list:
            return existing + model.objects.bulk_create([make(n) for n in range(len(existing), count)])

        self.series = more(Series, getattr(self, "series", []), lambda n: Series(name=f"Reihe {n}", slug=f"reihe-{n}"))
        self.venues = more(
            Venue,
            getattr(self, "venues", []),
            lambda n: Venue(name=f"Saal {n}", street=f"Bahnhofstraße {n}", postcode="09648", town="Mittweida"),
        )
        self.event_topics = more(
            EventTopic, getattr(self, "event_topics", []), lambda n: EventTopic(name=f"Thema {n}", slug=f"thema-{n}")
        )
        self.news_topics = more(
            NewsTopic,
            getattr(self, "news_topics", []),
            lambda n: NewsTopic(slug=f"presse-{n}", name_de=f"Pressethema {n}", name_en=f"Press topic {n}"),
        )
        self.member_topics = more(
            MemberTopic,
            getattr(self, "member_topics", []),
            lambda n: MemberTopic(slug=f"interesse-{n}", name_de=f"Interesse {n}", name_en=f"Interest {n}"),
        )
        self.types = more(
            MembershipType,
            getattr(self, "types", []),
            lambda n: MembershipType(
                slug=f"typ-{n}",
                name_de=f"Typ {n}",
                name_en=f"Type {n}",
                category="company",
                annual_fee=Decimal("240.00"),
                position=n,
            ),
        )
        self.newsletter_topics = more(
            NewsletterTopic,
            getattr(self, "newsletter_topics", []),
            lambda n: NewsletterTopic(slug=f"nl-{n}", name_de=f"Rubrik {n}", name_en=f"Section {n}", position=n),
        )

    # --- The objects of the detail pages -----------------------------------

    def _targets(self) -> None:
        start = self.now + timedelta(days=3)
        fields = {
            **self._event_fields(0, start=start),
            "series": self.series[0],
            "status": Event.Status.PUBLISHED,
            "members_only": False,
        }
        self.target_event = Event.objects.create(
            **{**fields, "capacity": 2000}, slug=SLUG["event"], title="Digital-Gipfel Südwestsachsen"
        )
        self.target_event.topics.set(self.event_topics[:2])
        self.target_item = NewsItem.objects.create(
            **self._item_fields(0, published_at=self.now - timedelta(minutes=30)),
            slug=SLUG["item"],
            title="Netzwerk startet Digitalisierungsoffensive",
        )
        self.target_item.topics.set(self.news_topics[:2])
        news_services.news_item_search_refresh(item_ids=[self.target_item.pk])  # PostgreSQL's search index
        self.target_member = Member.objects.create(**self._member_fields(0), slug=SLUG["member"], name="Budget GmbH")
        self.target_member.topics.set(self.member_topics[:3])
        self.target_mailing = Mailing.objects.create(
            **self._mailing_fields(0), subject="Neues aus dem Netzwerk", include_events=True, include_news=True
        )
        self.target_mailing.topics.set(self.newsletter_topics[:2])
        # A few events in the target event's month, so that the calendar month has rows at every scale.
        month_events = Event.objects.bulk_create(
            [
                Event(**self._event_fields(n, start=start + timedelta(hours=n)), slug=f"monat-{n}", title=f"Monat {n}")
                for n in range(1, 4)
            ]
        )
        self._event_relations(month_events)
        self._target_relations(registrations=10, images=3, attachments=2, related=3, topics=0, contacts=2)

    def _target_relations(
        self, *, registrations: int, images: int, attachments: int, related: int, topics: int, contacts: int
    ) -> None:
        event, item, member = self.target_event, self.target_item, self.target_member
        have = event.registrations.count()
        Registration.objects.bulk_create(
            [
                Registration(
                    event=event,
                    name=f"Gast {n}",
                    email=f"gast{n}@example.org",
                    organisation="Mitglied",
                    status=Registration.Status.CONFIRMED if n % 5 else Registration.Status.WAITING,
                )
                for n in range(have, have + registrations)
            ],
            batch_size=BATCH,
        )
        have = item.images.count()
        NewsImage.objects.bulk_create(
            [
                NewsImage(
                    item=item,
                    image=f"news/images/budget-{n}.jpg",
                    thumbnail=f"news/thumbnails/budget-{n}.jpg",
                    width=1200,
                    height=675,
                    alt_text=f"Foto {n}",
                    caption="Podium",
                    credit="Verein",
                    position=n,
                )
                for n in range(have, have + images)
            ]
        )
        have = item.attachments.count()
        NewsAttachment.objects.bulk_create(
            [
                NewsAttachment(item=item, title=f"Pressemappe {n}", file=f"news/attachments/mappe-{n}.pdf", size=1000)
                for n in range(have, have + attachments)
            ]
        )
        linked = set(item.related_events.values_list("pk", flat=True))
        candidates = Event.objects.exclude(pk__in=linked).order_by("pk").values_list("pk", flat=True)[:related]
        item.related_events.add(*candidates)  # drafts among them must stay hidden
        if topics:
            member.topics.add(*self.member_topics[:topics])
            item.topics.add(*self.news_topics[: topics // 2])
        have = member.contacts.count()
        Contact.objects.bulk_create(
            [
                Contact(
                    member=member,
                    first_name=f"Vorname{n}",
                    last_name="Muster",
                    email=f"kontakt{n}@budget.example",
                    role="Geschäftsführung",
                    phone="0371 123456",
                    is_main=n == 0,
                )
                for n in range(have, have + contacts)
            ]
        )

    # --- The lists ----------------------------------------------------------

    def _rows(self, rows: int) -> None:
        self._events(rows - self.n_events)
        self._items(rows - self.n_items)
        self._members(rows - self.n_members)
        self._subscribers(rows - self.n_subscribers)
        self._mailings(rows - self.n_mailings)

    def _event_fields(self, i: int, *, start) -> dict:
        fmt = _FORMATS[i % 3]
        status = {0: Event.Status.CANCELLED, 1: Event.Status.POSTPONED, 2: Event.Status.DRAFT}.get(
            i % 20, Event.Status.PUBLISHED
        )
        return {
            "series": self.series[i % len(self.series)] if i % 5 else None,
            "teaser": "Vorträge und Austausch zur digitalen Region",
            "description": "**Programm**\n\n- Begrüßung\n- Impulse\n- Diskussion",
            "start": start,
            "end": start + timedelta(hours=3),
            "format": fmt,
            "region": Event.Region.ONLINE if fmt == Event.Format.ONLINE else _EVENT_REGIONS[i % 5],
            "venue": None if fmt == Event.Format.ONLINE else self.venues[i % len(self.venues)],
            "online_url": "" if fmt == Event.Format.IN_PERSON else "https://meet.example/raum",
            "organiser": "Südwestsachsen Digital e.V.",
            "partners": "IHK Chemnitz, TU Chemnitz, Westsächsische Hochschule Zwickau",
            "image": f"events/bild-{i}.jpg",
            "image_thumbnail": f"events/thumbs/bild-{i}.jpg",
            "image_alt": "Publikum im Saal",
            "image_credit": "SWS Digital",
            "status": status,
            "capacity": 40 if i % 2 else None,
            "members_only": i % 11 == 0,
            "contact_name": "Geschäftsstelle",
            "contact_email": "info@example.org",
        }

    def _event_relations(self, events: list[Event]) -> None:
        _link(
            Event._meta.get_field("topics"),
            [(e.pk, t.pk) for n, e in enumerate(events, self.n_events) for t in _pairs(n, self.event_topics)],
        )
        statuses = [Registration.Status.CONFIRMED, Registration.Status.WAITING]
        Registration.objects.bulk_create(
            [
                Registration(event=e, name="Teilnehmerin", email=f"person{n}-{k}@example.org", status=status)
                for n, e in enumerate(events, self.n_events)
                for k, status in enumerate(statuses[: 1 + (n % 4 == 0)])  # every fourth has a waiting list
            ],
            batch_size=BATCH,
        )

    def _events(self, count: int) -> None:
        # Spread over two years back and two years ahead: upcoming list, archive and every month get rows.
        first = self.n_events
        events = Event.objects.bulk_create(
            [
                Event(
                    **self._event_fields(i, start=self.now + timedelta(hours=((i * 877) % 35040) - 17520)),
                    title=f"SmartRailCampus {i}",
                    slug=f"termin-{i}",
                )
                for i in range(first, first + count)
            ],
            batch_size=BATCH,
        )
        self._event_relations(events)
        self.n_events += count

    def _item_fields(self, i: int, *, published_at) -> dict:
        return {
            "kind": NewsItem.Kind.choices[i % 3][0],
            "dateline_place": ["Plauen", "Zwickau", "Chemnitz"][i % 3],
            "lead": f"Das Netzwerk berichtet über {SEARCH_WORD} im Mittelstand."
            if i % 5 == 0
            else "Kurzer Vorspann zur Meldung.",
            "body": "<p>Text der Meldung mit <strong>Auszeichnung</strong>.</p>",
            "status": NewsItem.Status.DRAFT if i % 25 == 3 else NewsItem.Status.PUBLISHED,
            "published_at": published_at,
            "press_contact": self.press_contacts[i % 2],
            "author": self.authors[i % 3],
        }

    def _items(self, count: int) -> None:
        first = self.n_items
        # Every few hours back over about five years; every 25th item is still under embargo.
        items = NewsItem.objects.bulk_create(
            [
                NewsItem(
                    **self._item_fields(
                        i,
                        published_at=self.now + timedelta(days=3)
                        if i % 25 == 4
                        else self.now - timedelta(hours=4 * i + 1),
                    ),
                    title=f"Meldung {i}",
                    slug=f"meldung-{i}",
                )
                for i in range(first, first + count)
            ],
            batch_size=BATCH,
        )
        _link(
            NewsItem._meta.get_field("topics"),
            [(item.pk, t.pk) for i, item in enumerate(items, first) for t in _pairs(i, self.news_topics)],
        )
        NewsImage.objects.bulk_create(
            [
                NewsImage(
                    item=item,
                    image=f"news/images/m{i}-{k}.jpg",
                    thumbnail=f"news/thumbnails/m{i}-{k}.jpg",
                    width=1200,
                    height=675,
                    alt_text="Foto",
                    credit="Verein",
                    position=k,
                )
                for i, item in enumerate(items, first)
                for k in range(1 + (i % 3 == 0))
            ],
            batch_size=BATCH,
        )
        NewsAttachment.objects.bulk_create(
            [
                NewsAttachment(item=item, title="Pressemappe", file=f"news/attachments/m{i}.pdf", size=2048)
                for i, item in enumerate(items, first)
                if i % 4 == 0
            ],
            batch_size=BATCH,
        )
        events = list(Event.objects.order_by("pk").values_list("pk", flat=True)[:500])
        _link(
            NewsItem._meta.get_field("related_events"),
            [(item.pk, e) for i, item in enumerate(items, first) for e in _pairs(i, events)],
        )
        news_services.news_item_search_refresh(item_ids=[item.pk for item in items])
        self.n_items += count

    def _member_fields(self, i: int) -> dict:
        return {
            "legal_form": "GmbH",
            "sector": "Software",
            "street": "Hauptstraße 1",
            "postcode": "08056",
            "city": ["Zwickau", "Plauen", "Chemnitz", "Annaberg-Buchholz"][i % 4],
            "region": _MEMBER_REGIONS[i % len(_MEMBER_REGIONS)],
            "website": "https://example.org",
            "description": "Software und Beratung für den Mittelstand.",
            "logo": f"members/logos/logo-{i}.png",
            "logo_thumbnail": f"members/logos/thumbs/logo-{i}.png",
            "membership_type": self.types[i % len(self.types)],
            "number": i + 1,
            "status": Member.Status.ENDED if i % 50 == 7 else Member.Status.ACTIVE,
            "joined_on": date(2018 + i % 7, 1 + i % 12, 1),
            "directory_listed": i % 10 != 9,
            "directory_fields": [field for field, _label in Member.DIRECTORY_FIELDS],
        }

    def _members(self, count: int) -> None:
        first = self.n_members + 1  # number 1 is the target member's
        members = Member.objects.bulk_create(
            [
                Member(**self._member_fields(i), name=f"Mitglied {i:05d} GmbH", slug=f"mitglied-{i}")
                for i in range(first, first + count)
            ],
            batch_size=BATCH,
        )
        _link(
            Member._meta.get_field("topics"),
            [(m.pk, t.pk) for i, m in enumerate(members, first) for t in _pairs(i, self.member_topics)],
        )
        Contact.objects.bulk_create(
            [
                Contact(
                    member=m,
                    first_name="Maria",
                    last_name=f"Lang {i}",
                    email=f"kontakt{k}@mitglied-{i}.example",
                    phone="0375 1234",
                    is_main=k == 0,
                )
                for i, m in enumerate(members, first)
                for k in range(1 + (i % 4 == 0))
            ],
            batch_size=BATCH,
        )
        self.n_members += count

    def _subscribers(self, count: int) -> None:
        first = self.n_subscribers
        statuses = [Subscriber.Status.CONFIRMED, Subscriber.Status.CONFIRMED, Subscriber.Status.PENDING]
        subscribers = Subscriber.objects.bulk_create(
            [
                Subscriber(
                    email=f"leser{i}@example.org",
                    language="en" if i % 3 == 0 else "de",
                    status=statuses[i % 3],
                    confirmed_at=self.now,
                    source="test",
                )
                for i in range(first, first + count)
            ],
            batch_size=BATCH,
        )
        _link(
            Subscriber._meta.get_field("topics"),
            [(s.pk, t.pk) for i, s in enumerate(subscribers, first) for t in _pairs(i, self.newsletter_topics)],
        )
        Delivery.objects.bulk_create(
            [
                Delivery(mailing=self.target_mailing, subscriber=s, status=Delivery.Status.SENT, attempts=1)
                for s in subscribers
                if s.status == Subscriber.Status.CONFIRMED
            ],
            batch_size=BATCH,
        )
        self.n_subscribers += count

    def _mailing_fields(self, i: int) -> dict:
        sent = self.now - timedelta(days=i + 1)
        return {
            "preheader": "Termine und Förderung",
            "body": "## Liebe Leserinnen und Leser,\n\nder **Digitaltag** kommt.",
            "subject_en": "News from the network",
            "body_en": "## Dear readers,\n\nthe **digital day** is coming.",
            "status": Mailing.Status.DRAFT if i % 10 == 5 else Mailing.Status.SENT,
            "started_at": sent,
            "finished_at": sent,
            "in_archive": i % 10 != 6,
        }

    def _mailings(self, count: int) -> None:
        first = self.n_mailings + 1
        mailings = Mailing.objects.bulk_create(
            [
                Mailing(**self._mailing_fields(i), subject=f"Newsletter {i}", include_events=i % 2 == 0)
                for i in range(first, first + count)
            ],
            batch_size=BATCH,
        )
        _link(
            Mailing._meta.get_field("topics"),
            [(m.pk, t.pk) for i, m in enumerate(mailings, first) for t in _pairs(i, self.newsletter_topics)],
        )
        self.n_mailings += count
