"""Erase or anonymise everything held about one email address across all apps (Art. 17)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from swsdigital.privacy.models import ErasureRecord
from swsdigital.privacy.services import person_erase, person_preview


class Command(BaseCommand):
    help = "Erase everything held about an email address across all apps; --dry-run prints what would happen."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--dry-run", action="store_true", help="Print the preview and change nothing.")

    def _line(self, holding) -> str:
        reason = f" – {holding.reason}" if holding.reason else ""
        return f"{holding.label}: {holding.count} {holding.action_label}{reason}"

    def handle(self, *args, email: str, dry_run: bool = False, **options):
        try:
            preview = person_preview(email=email)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if preview.nothing_held:
            self.stdout.write("Nothing is held about this address.")
        for holding in preview.holdings:
            self.stdout.write(self._line(holding))
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        record = person_erase(email=email, via=ErasureRecord.Via.COMMAND, by_label="manage.py person_erase")
        self.stdout.write(self.style.SUCCESS(f"Erasure record #{record.pk} written."))
