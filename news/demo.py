"""Demo content of the news app (filled in by its issue)."""


def load() -> None:
    """Create the demo content of this app (idempotent)."""
