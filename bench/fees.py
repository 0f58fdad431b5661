"""The dues run at scale: 5,000 members — invoice rows, then PDFs and mails in the background, then a statement.

One command (PostgreSQL and Redis must run locally):

    .venv/bin/python bench/fees.py                  # 5,000 members
    .venv/bin/python bench/fees.py --members 500    # a quick look

It fills a database of its own (``bench_fees``) with members (two of three with a SEPA mandate), then
measures: (1) the dues run's transaction — preview, gap-free numbers, 5,000 invoice rows — and its peak memory;
(2) the worker rendering every invoice as PDF and mailing it through the outbox to an SMTP sink (2 prefork
processes), PDFs per second and the worker's memory over time; (3) importing a CAMT.053 statement with one
credit per invoice. Results go to the "## Membership fees" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.newsletter import free_port, rss_mb, run_sink  # noqa: E402

DB_NAME = "bench_fees"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
WORKERS = int(os.environ.get("BENCH_FEES_CONCURRENCY", "2"))
TIME_LIMIT = int(os.environ.get("BENCH_TIME_LIMIT", "1200"))


def database_reset() -> None:
    import psycopg2

    conn = psycopg2.connect(f"{PG_URL}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()


def setup_django(smtp_port: int, queue: str) -> dict:
    env = {
        "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        "CELERY_QUEUE": queue,
        "CACHE_KEY_PREFIX": "bench-fees",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        "TEST_DATABASE_NAME": "",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swsdigital.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def fill(count: int) -> None:
    """Create the association profile, two membership types and ``count`` members with their main contacts."""
    from schwifty import IBAN

    from members.models import Contact, Member, MembershipType, Region
    from swsdigital.pages.demo import PROFILE
    from swsdigital.pages.models import SiteProfile

    SiteProfile.objects.create(**{k: v for k, v in PROFILE.items() if hasattr(SiteProfile, k)})
    company = MembershipType.objects.create(
        slug="unternehmen", name_de="Unternehmen", name_en="Company", category="company", annual_fee=Decimal("240")
    )
    town = MembershipType.objects.create(
        slug="kommune", name_de="Kommune", name_en="Municipality", category="municipality", annual_fee=Decimal("360")
    )
    members = []
    for n in range(1, count + 1):
        debit = n % 3 != 0
        members.append(
            Member(
                name=f"Benchmark Organisation {n:05d} GmbH", street="Bahnhofstraße 1", postcode="09111",
                city="Chemnitz", region=Region.CHEMNITZ, membership_type=town if n % 50 == 0 else company, number=n,
                slug=f"bench-{n}", joined_on=datetime.date(2020, 1, 1),
                sepa_iban=IBAN.generate("DE", bank_code="87050000", account_code=f"{n:010d}").compact if debit else "",
                sepa_account_holder=f"Benchmark Organisation {n:05d} GmbH" if debit else "",
                sepa_mandate_reference=f"SWS-B-{n:06d}" if debit else "",
                sepa_mandate_signed_on=datetime.date(2020, 1, 1) if debit else None,
            )
        )  # fmt: skip
    Member.objects.bulk_create(members, batch_size=1000)
    contacts = [
        Contact(member=m, first_name="Bea", last_name=f"Benchmark {m.number}", email=f"kasse{m.number}@bench.example",
                is_main=True)
        for m in Member.objects.only("pk", "number")
    ]  # fmt: skip
    Contact.objects.bulk_create(contacts, batch_size=1000)


def tree_rss(pid: int) -> float:
    """Return the resident memory of a process and its children, in MB."""
    total = rss_mb(pid)[0]
    for line in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # the child ended meanwhile
            total += rss_mb(int(line))[0]
    return total


def start_worker(env: dict) -> subprocess.Popen:
    log = open(Path(tempfile.gettempdir()) / "bench-fees-worker.log", "ab")  # noqa: SIM115
    cmd = [
        sys.executable, "-m", "celery", "-A", "swsdigital", "worker", "--hostname=benchfees@%h", "--pool=prefork",
        f"--concurrency={WORKERS}", "--loglevel=WARNING", "--without-heartbeat", "--without-mingle",
        "--without-gossip", "-Q", env["CELERY_QUEUE"],
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    time.sleep(5)  # let it connect (a benchmark, not a test: a fixed wait is fine here)
    return proc


def run(count: int, env: dict) -> dict:
    from django.db import transaction

    from fees.models import Invoice, InvoiceDocument
    from fees.services import dues_run
    from fees.services.bank import statement_import
    from swsdigital.celery import app
    from swsdigital.mail.models import OutboxEmail
    from tests.fees import camt

    app.conf.task_default_queue = env["CELERY_QUEUE"]
    worker = start_worker(env)
    try:
        idle = tree_rss(worker.pid)
        year = datetime.date.today().year + 1
        started = time.monotonic()
        with transaction.atomic():
            result = dues_run(
                year=year, invoice_date=datetime.date.today(),
                collection_date=datetime.date.today() + datetime.timedelta(days=21),
            )  # fmt: skip
        rows_seconds = time.monotonic() - started
        run_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        samples: list[tuple[float, float]] = []
        mailed = delivered = 0
        while time.monotonic() - started < TIME_LIMIT:
            samples.append((time.monotonic() - started, tree_rss(worker.pid)))
            mailed = InvoiceDocument.objects.filter(emailed_at__isnull=False).count()
            delivered = OutboxEmail.objects.filter(template="fees/invoice", status=OutboxEmail.Status.SENT).count()
            if mailed >= result.created and delivered >= result.created:
                break
            time.sleep(1)
        pdf_seconds = time.monotonic() - started - rows_seconds
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
    invoices = list(Invoice.objects.filter(year=year).values_list("number", "amount", "recipient_name"))
    entries = [
        camt.entry(amount=amount, ref=f"B-{number}", txs=[camt.tx(name=name, remittance=f"Rechnung {number}")])
        for number, amount, name in invoices
    ]
    data = camt.camt053(*entries, statement_id=f"BENCH-{year}")
    started = time.monotonic()
    report = statement_import(data=data, filename="bench.xml")
    statement_seconds = time.monotonic() - started
    half = [rss for at, rss in samples if at > (samples[-1][0] / 2)] if samples else [0]
    first_half = [rss for at, rss in samples if at <= (samples[-1][0] / 2)] if samples else [0]
    return {
        "members": count,
        "invoices": result.created,
        "rows_seconds": rows_seconds,
        "run_peak_mb": run_peak,
        "mailed": mailed,
        "delivered": delivered,
        "pdf_seconds": pdf_seconds,
        "pdf_rate": mailed / pdf_seconds if pdf_seconds else 0,
        "worker_idle_mb": idle,
        "worker_first_half_max_mb": max(first_half or [0]),
        "worker_second_half_min_mb": min(half or [0]),
        "worker_second_half_max_mb": max(half or [0]),
        "statement_lines": len(entries),
        "statement_booked": len(report.booked),
        "statement_seconds": statement_seconds,
        "statement_bytes": len(data),
    }


def write_report(r: dict, command: str) -> None:
    from bench.run import write_section

    load = os.getloadavg()
    target = {
        "rows": "≤ 30 s", "pdf": "≥ 10/s", "statement": "≤ 10 s",
    }  # fmt: skip
    body = "\n".join(
        [
            f"Command: `{command}`",
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}, "
            f"PostgreSQL + Redis local, one Celery worker with {WORKERS} prefork processes, an aiosmtpd sink in "
            f"its own process. Load average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.",
            "",
            "The run's time is its transaction: the preview of who owes what, a block of gap-free numbers from "
            "the year's locked counter, the invoice rows in batches of 500. PDFs and mails run after the "
            "commit in the worker: each invoice rendered with reportlab (one page, a GiroCode for transfer "
            "payers) and queued as an outbox email with the PDF attached, which the same worker sends. The "
            "statement has one credit per invoice naming it in the remittance text.",
            "",
            "| step | result | target |",
            "|---|---:|---|",
            f"| dues run: {r['invoices']:,} invoice rows for {r['members']:,} members | {r['rows_seconds']:.1f} s, "
            f"peak {r['run_peak_mb']:.0f} MB (whole process) | {target['rows']} |",
            f"| PDFs rendered, queued and delivered to the sink | {r['mailed']:,} rendered, {r['delivered']:,} "
            f"delivered in {r['pdf_seconds']:.0f} s = {r['pdf_rate']:.1f}/s | {target['pdf']} |",
            f"| worker memory (main + {WORKERS} processes) | at start {r['worker_idle_mb']:.0f} MB; first half up "
            f"to {r['worker_first_half_max_mb']:.0f} MB; second half {r['worker_second_half_min_mb']:.0f}–"
            f"{r['worker_second_half_max_mb']:.0f} MB | flat in the second half |",
            f"| statement import: {r['statement_lines']:,} lines ({r['statement_bytes'] / 1e6:.1f} MB CAMT.053), "
            f"{r['statement_booked']:,} booked | {r['statement_seconds']:.1f} s | {target['statement']} |",
        ]
    )
    write_section("Membership fees", body)
    print(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-report", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args()
    if args.sink:
        run_sink(args.sink)
        return
    port = free_port()
    sink = subprocess.Popen([sys.executable, __file__, "--sink", str(port)], stdout=subprocess.PIPE, text=True)
    time.sleep(1.5)
    database_reset()
    env = setup_django(port, queue=f"bench-fees-{os.getpid()}")
    try:
        print(f"--- {args.members:,} members: filling the database", flush=True)
        fill(args.members)
        print("    dues run, PDFs, mails, statement", flush=True)
        result = run(args.members, env)
        print(f"    {result}", flush=True)
    finally:
        sink.send_signal(signal.SIGTERM)
        print(f"sink received {sink.communicate(timeout=30)[0].strip()} messages", flush=True)
    if not args.no_report:
        command = "python bench/fees.py" + ("" if args.members == 5000 else f" --members {args.members}")
        write_report(result, command)


if __name__ == "__main__":
    main()
