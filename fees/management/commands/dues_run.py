"""Run (or preview) the yearly dues from the command line: `manage.py dues_run --year 2027 [--dry-run]`."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fees import services
from fees.forms import DuesRunForm
from swsdigital.core.money import money_format


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Issue the fee year's invoices to every member who owes the fee and has none yet (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--invoice-date", type=_date, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--collection-date", type=_date, help="YYYY-MM-DD (default: as the admin proposes)")
        parser.add_argument("--dry-run", action="store_true", help="show what would be issued; change nothing")

    def handle(self, *args, year, invoice_date, collection_date, dry_run, **options):
        initial = DuesRunForm.initial_values()
        values = {
            "year": year,
            "invoice_date": invoice_date or initial["invoice_date"],
            "collection_date": collection_date or initial["collection_date"],
        }
        try:
            preview = services.dues_preview(**values)
            for label, groups in (("type", preview.by_type), ("method", preview.by_method)):
                for group in groups.values():
                    self.stdout.write(f"  {label}: {group.label}: {group.count} / {money_format(group.total)}")
            self.stdout.write(f"  already invoiced: {preview.issued}; owing nothing: {len(preview.not_owing)}")
            if dry_run:
                self.stdout.write(
                    f"dry run: {preview.count} invoices over {money_format(preview.total)} would be issued for {year}."
                )
                return
            result = services.dues_run(**values)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(f"{result.created} invoices issued for {year} ({money_format(result.total)}).")
            )
        else:
            self.stdout.write(f"Nothing to do: every member who owes the fee for {year} has their invoice already.")
