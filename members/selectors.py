"""Reads of membership data for views and other apps."""


def member_count() -> int:
    """Return the number of active members (0 until the membership app keeps members)."""
    return 0


def user_is_member(*, user) -> bool:
    """Return whether a user belongs to an active member organisation."""
    return False
