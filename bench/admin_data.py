"""The admin's data set at scale: what the office's changelists must stay fast with (issue 18, item 4).

``build()`` takes ``bench.data.build`` (the demo, 10,000 events, 2,000 members, 100,000 subscribers; few press
items, which the admin test does not need) and adds, with ``INSERT … SELECT generate_series`` on PostgreSQL,
ten sent mailings with a delivery row for every subscriber (1,000,000), 20 registrations for each event
(200,000) and 100,000 outbox emails. Call it after ``django.setup()`` against an empty, migrated PostgreSQL
database; it takes a few minutes on the 2-core machine.

    DATABASE_URL=postgres://…/h18admin_scale python bench/admin_data.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.db import connection, transaction

MAILINGS = 10
REGISTRATIONS_PER_EVENT = 20
OUTBOX = 100000


def _mailings(n: int) -> list[int]:
    from django.utils import timezone

    from newsletter.models import Mailing

    now = timezone.now()
    rows = [
        Mailing(
            subject=f"Newsletter {i + 1}",
            body="<p>Bench</p>",
            status=Mailing.Status.SENT,
            started_at=now,
            finished_at=now,
        )
        for i in range(n)
    ]
    return [m.pk for m in Mailing.objects.bulk_create(rows)]


def _deliveries(cursor, mailing_ids: list[int]) -> None:
    # Every subscriber receives every mailing: most sent, a few failed or skipped, the last one still queued.
    cursor.execute(
        """
        INSERT INTO newsletter_delivery
            (mailing_id, subscriber_id, status, attempts, claim, last_error, sent_at)
        SELECT m.id, s.id,
               CASE WHEN m.id = %s AND s.id %% 3 = 0 THEN 'queued'
                    WHEN s.id %% 97 = 0 THEN 'failed'
                    WHEN s.id %% 211 = 0 THEN 'skipped'
                    ELSE 'sent' END,
               1, '', '', now()
        FROM newsletter_mailing m CROSS JOIN newsletter_subscriber s
        WHERE m.id = ANY(%s)
        """,
        [max(mailing_ids), mailing_ids],
    )


def _registrations(cursor, per_event: int) -> None:
    cursor.execute(
        """
        INSERT INTO events_registration
            (event_id, name, email, organisation, places, answers, language, status, token, created_at,
             confirmed_at)
        SELECT e.id, 'Teilnehmer ' || g, 'person' || g || '.' || e.id || '@bench.example',
               CASE WHEN g %% 3 = 0 THEN 'Firma ' || (e.id %% 500) ELSE '' END,
               1 + g %% 2, '{}'::jsonb, CASE WHEN g %% 4 = 0 THEN 'en' ELSE 'de' END,
               CASE WHEN g %% 10 = 0 THEN 'cancelled' WHEN g %% 7 = 0 THEN 'waiting' ELSE 'confirmed' END,
               md5(e.id || ':' || g || ':' || random()),
               e.start - make_interval(days => 1 + g),
               e.start - make_interval(days => 1 + g)
        FROM events_event e CROSS JOIN generate_series(1, %s) g
        """,
        [per_event],
    )


def _outbox(cursor, n: int) -> None:
    cursor.execute(
        """
        INSERT INTO mail_outboxemail
            ("to", from_email, reply_to, subject, body_text, body_html, headers, attachments, template,
             language, status, attempts, last_error, message_id, created_at, sent_at, bounce_reason)
        SELECT 'reader' || lpad(g::text, 6, '0') || '@bench.example', 'office@bench.example', '',
               'Ihre Anmeldung ' || g, 'Text', '', '{}'::jsonb, '[]'::jsonb,
               (ARRAY['events/registration_confirmed', 'account/email_confirmation', 'newsletter/confirm'])[1 + g %% 3],
               CASE WHEN g %% 4 = 0 THEN 'en' ELSE 'de' END,
               CASE WHEN g %% 50 = 0 THEN 'failed' ELSE 'sent' END, 1, '', '<' || g || '@bench.example>',
               now() - make_interval(mins => g), now() - make_interval(mins => g), ''
        FROM generate_series(1, %s) g
        """,
        [n],
    )


def build(
    *,
    events: int = 10000,
    members: int = 2000,
    subscribers: int = 100000,
    mailings: int = MAILINGS,
    registrations_per_event: int = REGISTRATIONS_PER_EVENT,
    outbox: int = OUTBOX,
) -> dict:
    """Fill the (empty, migrated) PostgreSQL database; return the counts."""
    from bench import data

    if connection.vendor != "postgresql":
        raise SystemExit("bench/admin_data.py needs PostgreSQL (INSERT … SELECT generate_series)")
    data.build(events=events, news=50, members=members, subscribers=subscribers)
    with transaction.atomic(), connection.cursor() as cursor:
        _deliveries(cursor, _mailings(mailings))
        _registrations(cursor, registrations_per_event)
        _outbox(cursor, outbox)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # visibility map and statistics, as a live database has them
    counts = {}
    with connection.cursor() as cursor:
        for table in (
            "newsletter_subscriber",
            "newsletter_mailing",
            "newsletter_delivery",
            "events_event",
            "events_registration",
            "members_member",
            "mail_outboxemail",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[table] = cursor.fetchone()[0]
    return counts


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swsdigital.settings")
    import django

    django.setup()
    started = time.monotonic()
    for table, count in build().items():
        print(f"{table:24} {count:>9,}")
    print(f"built in {time.monotonic() - started:.0f} s")
