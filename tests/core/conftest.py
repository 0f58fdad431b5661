"""The cross-app tests in tests/core/ use the apps' own factories."""

from tests.events.conftest import make_event, register, series, topic  # noqa: F401
from tests.news.conftest import make_item, mint  # noqa: F401
