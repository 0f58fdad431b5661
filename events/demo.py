"""Demo content of the events app (filled in by its issue)."""


def load() -> None:
    """Create the demo content of this app (idempotent)."""
