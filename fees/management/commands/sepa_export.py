"""Write a collection date's SEPA direct debit file: `manage.py sepa_export --year 2027 --out FILE [--again]`."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fees.models import DebitFile
from fees.services import sepa
from swsdigital.core.money import money_format


class Command(BaseCommand):
    help = "Create the pain.008 file of a fee year's open direct debits (one collection date) and write it out."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--collection-date", help="YYYY-MM-DD (default: the earliest open one)")
        parser.add_argument("--schema", default=DebitFile.Schema.V02, choices=DebitFile.Schema.values)
        parser.add_argument("--again", action="store_true", help="include debits already put in a file")

    def handle(self, *args, year, out, collection_date, schema, again, **options):
        if collection_date:
            try:
                date = datetime.date.fromisoformat(collection_date)
            except ValueError as exc:
                raise CommandError(f"Not a date (YYYY-MM-DD): {collection_date!r}") from exc
        else:
            dates = sepa.debit_collection_dates(year=year)
            if not dates:
                raise CommandError(f"There are no open direct debits for {year}.")
            date = dates[0]
        try:
            debit_file = sepa.debit_file_create(year=year, collection_date=date, schema=schema, again=again)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        with open(out, "wb") as handle:
            handle.write(bytes(debit_file.xml))
        self.stdout.write(
            self.style.SUCCESS(
                f"{debit_file.invoice_count} debits over {money_format(debit_file.total)} for {date} written to {out}."
            )
        )
