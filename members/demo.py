"""Demo content of the members app (filled in by its issue)."""


def load() -> None:
    """Create the demo content of this app (idempotent)."""
