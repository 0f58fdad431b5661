"""Create the staff role groups and repair any edited by hand; print what changed."""

from django.core.management.base import BaseCommand, CommandError

from swsdigital.core.roles import ROLES, roles_sync


class Command(BaseCommand):
    help = (
        "Create the staff roles (Geschäftsstelle, Redaktion, Schatzmeisterei, Datenschutz) as groups with "
        "exactly their permissions."
    )

    def handle(self, *args, **options):
        try:
            report = roles_sync()
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if not report.changed:
            self.stdout.write(f"All {len(ROLES)} roles are as defined; nothing changed.")
