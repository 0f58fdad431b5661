"""A large data set for the load benchmark: the demo content, multiplied.

``build()`` loads the demo (real-looking rows with all their relations) and clones it with bulk inserts
into 10,000 events, 10,000 press items, 2,000 listed members and 100,000 confirmed subscribers, spread over
past and future so that lists, archives, calendars, filters and search all have real work to do.
Call it after ``django.setup()`` against an empty, migrated database.
"""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import timedelta

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

BATCH = 2000


def _fields(model, obj, skip=()) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in skip
    }


def _copy_topics(model, clones: list, templates: list) -> None:
    """Give each clone the topics of the template it was copied from."""
    field = model._meta.get_field("topics")
    Through = field.remote_field.through
    source, target = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
    Through.objects.bulk_create(
        [
            Through(**{source: clone.pk, target: topic.pk})
            for clone, template in zip(clones, templates, strict=True)
            for topic in template.topics.all()
        ],
        batch_size=BATCH,
    )


def _events(n: int, rng: random.Random) -> None:
    from events.models import Event

    templates = list(Event.objects.filter(status=Event.Status.PUBLISHED).prefetch_related("topics"))
    now = timezone.now()
    rows, sources = [], []
    for i in range(n):
        t = templates[i % len(templates)]
        # Two thirds in the past (the archive), a third ahead, a few a day.
        start = now + timedelta(days=(i - 2 * n // 3) // 4, hours=rng.randint(8, 18) - now.hour)
        data = _fields(Event, t, skip=("uid", "slug", "start", "end", "publish_at"))
        data.update(
            slug=f"{t.slug}-{i}",
            uid=uuid.uuid4(),
            start=start,
            end=start + (t.end - t.start),
            title=f"{t.title} ({i})",
            status=Event.Status.CANCELLED if i % 97 == 0 else Event.Status.PUBLISHED,
        )
        rows.append(Event(**data))
        sources.append(t)
    _copy_topics(Event, Event.objects.bulk_create(rows, batch_size=BATCH), sources)


def _news(n: int, rng: random.Random) -> None:
    from news.models import NewsImage, NewsItem
    from news.services import news_item_search_refresh

    templates = list(NewsItem.objects.visible().prefetch_related("topics", "images"))
    now = timezone.now()
    rows, extra = [], []
    for i in range(n):
        t = templates[i % len(templates)]
        data = _fields(NewsItem, t, skip=("slug", "published_at", "search_vector", "search_vector_en"))
        data.update(slug=f"{t.slug}-{i}", title=f"{t.title} ({i})", published_at=now - timedelta(hours=6 * i + 1))
        rows.append(NewsItem(**data))
        extra.append(t)
    created = NewsItem.objects.bulk_create(rows, batch_size=BATCH)
    _copy_topics(NewsItem, created, extra)
    NewsImage.objects.bulk_create(
        [
            NewsImage(**{**_fields(NewsImage, image, skip=("item",)), "item_id": item.pk})
            for item, t in zip(created, extra, strict=True)
            for image in t.images.all()
        ],
        batch_size=BATCH,
    )
    ids = [item.pk for item in created]
    for start in range(0, len(ids), BATCH):
        news_item_search_refresh(item_ids=ids[start : start + BATCH])


def _members(n: int) -> None:
    from members.models import Contact, Member

    templates = list(Member.objects.filter(directory_listed=True).prefetch_related("topics", "contacts"))
    top = (Member.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    rows, extra = [], []
    for i in range(n):
        t = templates[i % len(templates)]
        data = _fields(Member, t, skip=("number", "slug"))
        data.update(number=top + i, slug=f"{t.slug}-{i}", name=f"{t.name} {i}")
        rows.append(Member(**data))
        extra.append(t)
    created = Member.objects.bulk_create(rows, batch_size=BATCH)
    _copy_topics(Member, created, extra)
    contacts = []
    for m, t in zip(created, extra, strict=True):
        for c in t.contacts.all():
            data = _fields(Contact, c, skip=("member", "user", "email"))
            contacts.append(Contact(**data, member_id=m.pk, email=f"c{m.pk}.{c.pk}@bench.example"))
    Contact.objects.bulk_create(contacts, batch_size=BATCH)


def subscribers_create(n: int, *, domain: str = "bench.example", source: str = "bench") -> None:
    """Insert n confirmed subscribers (a quarter English), as the benchmarks and drills need them."""
    from newsletter.models import Subscriber

    now = timezone.now()
    rows = [
        Subscriber(
            email=f"reader{i:06d}@{domain}",
            language="en" if i % 4 == 0 else "de",
            status=Subscriber.Status.CONFIRMED,
            confirmed_at=now,
            key=secrets.token_hex(16),
            source=source,
        )
        for i in range(n)
    ]
    Subscriber.objects.bulk_create(rows, batch_size=10000)


def build(*, events: int = 10000, news: int = 10000, members: int = 2000, subscribers: int = 100000) -> dict:
    """Fill the (empty, migrated) database; return the counts."""
    call_command("load_demo", verbosity=0)
    rng = random.Random(8)
    with transaction.atomic():
        _events(events, rng)
        _news(news, rng)
        _members(members)
        subscribers_create(subscribers)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from events.models import Event
    from members.models import Member
    from news.models import NewsItem
    from newsletter.models import Subscriber

    return {
        "events": Event.objects.count(),
        "press items": NewsItem.objects.count(),
        "members": Member.objects.count(),
        "subscribers": Subscriber.objects.count(),
    }
