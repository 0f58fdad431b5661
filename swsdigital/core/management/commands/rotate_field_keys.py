"""Re-encrypt every encrypted field under the first key of FIELD_ENCRYPTION_KEYS; print the counts."""

from django.core.management.base import BaseCommand, CommandError

from swsdigital.core.crypto import field_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted model field with the first key of FIELD_ENCRYPTION_KEYS (the others only "
        "decrypt). Run it after putting a new key first; drop the old key once it reports nothing left to do."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")
        parser.add_argument("--dry-run", action="store_true", help="count what would be re-encrypted, change nothing")

    def handle(self, *args, batch_size: int, dry_run: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        counts = field_keys_rotate(batch_size=batch_size, dry_run=dry_run)
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        for count in counts:
            line = f"{count.label}: {count.values} values, {count.rotated} {verb}"
            if count.unreadable:
                line += f", {len(count.unreadable)} unreadable"
            self.stdout.write(line)
        rotated = sum(c.rotated for c in counts)
        self.stdout.write(f"Total: {sum(c.values for c in counts)} values in {len(counts)} fields, {rotated} {verb}.")
        unreadable = [f"{c.label} (rows {', '.join(map(str, c.unreadable[:20]))})" for c in counts if c.unreadable]
        if unreadable:
            raise CommandError(
                "No key in FIELD_ENCRYPTION_KEYS decrypts some values; keep every old key until they are "
                "readable again: " + "; ".join(unreadable)
            )
