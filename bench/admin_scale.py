"""Every admin changelist, its search and each of its filters at scale: queries, slowest query, time per page.

Logs in as a superuser with Django's test client (in process: the figures are the view's own, without a
server), opens each registered changelist, the same with a search, and each filter's first choice, each
``--rounds`` times, and prints a Markdown table: the number of queries, the slowest query's time and the
page's time (median of the rounds). ``--explain MS`` prints EXPLAIN ANALYZE for every query slower than MS.

    DATABASE_URL=postgres://…/h18admin_scale python bench/admin_scale.py [--only newsletter.subscriber]

The data set is ``bench/admin_data.py``'s (build it first, into the same database).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swsdigital.settings")

SEARCH = "reader00042"  # matches an address in the bench data; most searches find few rows or none


def _views(client, url: str, model_admin) -> list[tuple[str, str]]:
    """The changelist, a search and the first choice of each filter, as (label, url)."""
    views = [("list", url)]
    if model_admin.search_fields:
        views.append(("search", f"{url}?{urlencode({'q': SEARCH})}"))
    response = client.get(url)
    cl = response.context["cl"] if response.context and "cl" in response.context else None
    if cl is None:
        return views
    for spec in cl.filter_specs:
        choices = [c for c in spec.choices(cl) if not c.get("selected")]
        if choices:
            views.append((f"filter: {spec.title}", url + choices[0]["query_string"]))
    return views


def _measure(client, url: str, rounds: int, explain_ms: float | None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, slowest, count, status = [], 0.0, 0, 0
    for _round in range(rounds):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
        count = len(ctx.captured_queries)
        worst = max(ctx.captured_queries, key=lambda q: float(q["time"]), default=None)
        slowest = max(slowest, float(worst["time"]) * 1000) if worst else slowest
        if explain_ms is not None and _round == rounds - 1:
            for query in ctx.captured_queries:
                if float(query["time"]) * 1000 >= explain_ms and query["sql"].lstrip().upper().startswith("SELECT"):
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                        plan = "\n".join(row[0] for row in cursor.fetchall())
                    took = float(query["time"]) * 1000
                    print(f"\n-- {url} ({took:.0f} ms)\n{query['sql']}\n{plan}\n", file=sys.stderr)
    return {"status": status, "queries": count, "slowest": slowest, "median": statistics.median(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", action="append", help="app_label.model_name (repeatable)")
    parser.add_argument("--explain", type=float, metavar="MS", help="EXPLAIN ANALYZE queries slower than MS")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib import admin
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from members.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    setup_test_environment()  # the test client records each response's template context (for the filters)
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    email = "bench-admin@bench.example"
    from allauth.mfa.utils import is_mfa_enabled

    user = User.objects.filter(email=email).first() or User.objects.create_superuser(email=email, password=None)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if not is_mfa_enabled(user):  # staff reach the admin only with a second factor
        TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)

    print("| changelist | view | status | queries | slowest query (ms) | page (ms, median) |")
    print("|---|---|---|---|---|---|")
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower):
        label = model._meta.label_lower
        if args.only and label not in args.only:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for view, view_url in _views(client, url, model_admin):
            row = _measure(client, view_url, args.rounds, args.explain)
            figures = f"{row['status']} | {row['queries']} | {row['slowest']:.0f} | {row['median']:.0f}"
            print(f"| {label} | {view} | {figures} |", flush=True)


if __name__ == "__main__":
    main()
