"""Reads of the event calendar for views and other apps."""


def events_upcoming(*, limit: int | None = None) -> list:
    """Return the next published events, soonest first."""
    return []
