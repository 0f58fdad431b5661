"""Reads of press releases and news for views and other apps."""


def news_latest(*, limit: int | None = None) -> list:
    """Return the latest published items, newest first."""
    return []
