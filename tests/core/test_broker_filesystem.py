"""The filesystem broker of `make run`: a message file appears only once it is complete, a bad file is skipped.

kombu 5.7's own transport creates the file first and writes it afterwards; a worker polling the folder
could take it empty and stop with "Unrecoverable error: JSONDecodeError" (the embedded-default drill
hit it within seconds); see swsdigital/core/broker.py.
"""

import logging
import os
import threading
from queue import Empty

import pytest
from django.conf import settings
from kombu import Connection

from swsdigital.core import broker

TRANSPORT = "swsdigital.core.broker:FilesystemTransport"


@pytest.fixture
def channel(tmp_path):
    connection = Connection(
        "filesystem://",
        transport=TRANSPORT,
        transport_options={"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)},
    )
    yield connection.default_channel
    connection.release()


def test_the_filesystem_broker_uses_the_fixed_transport():
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        pytest.skip("the broker of this run is not the filesystem")
    assert settings.CELERY_BROKER_TRANSPORT == TRANSPORT


def test_a_message_is_invisible_to_the_consumer_until_it_is_completely_written(channel, tmp_path, monkeypatch):
    payload = {"body": "x" * 100_000, "n": 1}
    replace = os.replace
    seen = {}

    def checking_replace(src, dst):
        seen["partial"] = open(src, "rb").read()  # noqa: SIM115 - read whole, closed at once
        with pytest.raises(Empty):
            channel._get("celery")  # the consumer finds nothing while the file is not in place
        return replace(src, dst)

    monkeypatch.setattr(broker.os, "replace", checking_replace)
    channel._put("celery", payload)
    assert len(seen["partial"]) > 100_000
    assert channel._get("celery") == payload
    assert os.listdir(tmp_path) == []  # taken, and no partial file left behind


def test_an_unreadable_message_file_is_skipped_instead_of_stopping_the_worker(channel, tmp_path, caplog):
    (tmp_path / "0_empty.celery.msg").write_bytes(b"")  # left by a crash in the middle of writing
    (tmp_path / "00_garbage.celery.msg").write_bytes(b"\xff\xfe{")
    channel._put("celery", {"n": 3})
    with caplog.at_level(logging.ERROR, logger="swsdigital.core.broker"):
        assert channel._get("celery") == {"n": 3}
    assert len([r for r in caplog.records if "unreadable message file" in r.getMessage()]) == 2
    assert os.listdir(tmp_path) == []


def test_publishing_while_the_consumer_polls_loses_nothing(channel, tmp_path):
    count = 2000
    errors = []

    def publish():
        try:
            for n in range(count):
                channel._put("celery", {"n": n, "body": "y" * 2000})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    publisher = threading.Thread(target=publish)
    publisher.start()
    received = []
    while publisher.is_alive() or len(received) < count:
        try:
            received.append(channel._get("celery")["n"])
        except Empty:
            if not publisher.is_alive() and not os.listdir(tmp_path):
                break
    publisher.join()
    assert not errors
    assert sorted(received) == list(range(count))
