"""Benchmark of the press room: list, search, detail, feeds and sitemap with many items.

Run: DATABASE_URL=postgres://... .venv/bin/python bench/news_press_room.py [items]
Creates a throwaway test database, fills it, and prints median timings and query counts.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swsdigital.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

WORDS = [
    "Digitalisierung",
    "Netzwerk",
    "Unternehmen",
    "Schulen",
    "Breitband",
    "Verwaltung",
    "Forschung",
    "Fachkräfte",
    "Vogtland",
    "Erzgebirge",
    "Zwickau",
    "Chemnitz",
    "Plauen",
    "Werkstatt",
    "Sensoren",
    "Daten",
    "Plattform",
    "Mittelstand",
    "Ausbildung",
    "Kommunen",
    "Praktikum",
]


def fill(n: int) -> None:
    import random

    from news.models import NewsImage, NewsItem, Topic
    from news.services import news_item_search_refresh

    rng = random.Random(1)
    topic = Topic.objects.create(slug="mint", name_de="MINT", name_en="STEM")
    now = timezone.now()
    items = NewsItem.objects.bulk_create(
        [
            NewsItem(
                title=" ".join(rng.choices(WORDS, k=6)),
                slug=f"meldung-{i}",
                lead=" ".join(rng.choices(WORDS, k=25)),
                body=" ".join(rng.choices(WORDS, k=300)),
                status="published",
                published_at=now - timedelta(hours=i + 1),
                dateline_place="Plauen",
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    NewsItem.topics.through.objects.bulk_create(
        [NewsItem.topics.through(newsitem_id=i.pk, topic_id=topic.pk) for i in items[::2]], batch_size=1000
    )
    NewsImage.objects.bulk_create(
        [
            NewsImage(item=i, image="news/x.jpg", thumbnail="news/t.jpg", alt_text="x", width=10, height=10)
            for i in items
        ],
        batch_size=1000,
    )
    news_item_search_refresh(item_ids=[i.pk for i in items])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE") if settings.IS_POSTGRES else None


def measure(client: Client, label: str, url: str, params=None, runs: int = 15) -> None:
    client.get(url, params)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, params)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    print(f"{label:<38} {statistics.median(timings):8.1f} ms  {len(ctx.captured_queries):3d} queries")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        start = time.perf_counter()
        fill(n)
        print(f"{connection.vendor}: {n} items filled in {time.perf_counter() - start:.1f} s")
        client = Client()
        measure(client, "list, page 1", reverse("news:list"))
        measure(client, "list, page 500", reverse("news:list"), {"page": "500"})
        measure(client, "list, topic + year", reverse("news:list"), {"topic": "mint", "year": timezone.now().year})
        measure(client, "search 'Digitalisierung'", reverse("news:list"), {"q": "Digitalisierung"})
        measure(client, "search 'Sensoren Ausbildung'", reverse("news:list"), {"q": "Sensoren Ausbildung"})
        measure(client, "detail", reverse("news:detail", kwargs={"slug": f"meldung-{n // 2}"}))
        measure(client, "RSS feed", reverse("news:feed_rss"))
        measure(client, "Atom feed per topic", reverse("news:topic_feed_atom", kwargs={"topic": "mint"}))
        measure(client, "sitemap.xml (index)", "/sitemap.xml", runs=3)
        measure(client, "sitemap-news.xml, page 1 (10,000 URLs)", "/sitemap-news.xml", runs=3)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
