"""With Redis unreachable the cache behaves like an empty one: pages, forms and rate limits keep working.

The cache points at a real Redis URL where nothing listens (a closed port), not at a mock.
"""

import logging

import pytest
from django.core.cache import cache
from django.test import override_settings

from swsdigital.core import cache as resilient
from swsdigital.core.ratelimit import rate_limit_hit
from swsdigital.mail.models import OutboxEmail
from tests.harness import free_port


@pytest.fixture
def unreachable_cache():
    """The production cache backend, pointed at a port where no Redis listens."""
    resilient._down_until.clear()
    backend = {
        "BACKEND": "swsdigital.core.cache.ResilientRedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/1",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    with override_settings(CACHES={"default": backend}):
        yield cache
    resilient._down_until.clear()


def test_reads_miss_and_writes_are_dropped(unreachable_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="swsdigital.core.cache"):
        assert unreachable_cache.set("k", 1) is None
        assert unreachable_cache.get("k", "default") == "default"
        assert unreachable_cache.add("k", 1) is False
        assert unreachable_cache.get_many(["k", "l"]) == {}
        assert unreachable_cache.has_key("k") is False
        assert unreachable_cache.delete("k") is False
        assert unreachable_cache.set_many({"a": 1}) == ["a"]
        assert unreachable_cache.get_or_set("k", lambda: "computed") == "computed"
        with pytest.raises(ValueError):  # as for a key the cache does not have
            unreachable_cache.incr("k")
    warnings = [r for r in caplog.records if "Cache unreachable" in r.getMessage()]
    assert len(warnings) == 1  # one warning per outage, not one per call


def test_redis_is_tried_again_after_the_retry_window(unreachable_cache, caplog, monkeypatch):
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.0)
    with caplog.at_level(logging.WARNING, logger="swsdigital.core.cache"):
        unreachable_cache.get("k")
        unreachable_cache.get("k")
    # The window had passed, so the second call went to Redis again (and found it still down).
    assert len([r for r in caplog.records if "Cache unreachable" in r.getMessage()]) == 2


def test_rate_limits_let_people_through_while_the_cache_is_unreachable(unreachable_cache):
    for _ in range(3):
        rate_limit_hit(scope="test", key="203.0.113.9", limit=1, period=60)  # would raise RateLimited past 1


@pytest.mark.django_db
def test_pages_and_forms_work_while_the_cache_is_unreachable(client, unreachable_cache, form_protection_data):
    assert client.get("/").status_code == 200  # the site profile comes from the database
    assert client.get("/mitglied-werden/").status_code == 200
    data = {**form_protection_data, "email": "outage@example.org", "language": "de", "consent": "on"}
    response = client.post("/newsletter/", data)
    assert response.status_code == 302
    assert OutboxEmail.objects.filter(to="outage@example.org").exists()
