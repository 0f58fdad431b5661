"""`make run` (manage.py run_local): production settings work, and links follow the address it serves on."""

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from swsdigital.core.management.commands import run_local
from tests.harness import ROOT

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def started(monkeypatch):
    """Record the processes run_local would start instead of starting them (each exits at once)."""
    processes = []

    class Exited:
        def __init__(self, cmd, env):
            processes.append({"cmd": cmd, "env": env})

        def poll(self):
            return 0

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(run_local.subprocess, "Popen", Exited)
    return processes


@pytest.fixture
def production_static(settings, tmp_path):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    return settings.STATIC_ROOT


@pytest.mark.django_db
def test_with_debug_off_static_files_are_collected_before_the_server_starts(client, started, production_static):
    call_command("run_local", addr="127.0.0.1:8111")
    assert (production_static / "staticfiles.json").exists()
    assert [p["cmd"][2:4] for p in started] == [["runserver", "127.0.0.1:8111"], ["celery", "-A"]]
    response = client.get("/")  # raised "Missing staticfiles manifest entry" before
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min." in html and "bootstrap.min.css" not in html


def test_with_debug_on_nothing_is_collected(started, settings, tmp_path):
    settings.DEBUG = True
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("run_local", addr="127.0.0.1:8111")
    assert not (tmp_path / "static").exists()
    assert len(started) == 2


def test_with_debug_off_and_https_redirect_it_refuses_with_one_line(started, settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    with pytest.raises(CommandError) as exc:
        call_command("run_local", addr="127.0.0.1:8111")
    assert "\n" not in str(exc.value) and "SECURE_SSL_REDIRECT=false" in str(exc.value)
    assert not started


@pytest.mark.parametrize(
    ("addr", "url"),
    [
        ("127.0.0.1:8111", "http://127.0.0.1:8111"),
        ("8112", "http://127.0.0.1:8112"),
        ("localhost:8113", "http://localhost:8113"),
        ("0.0.0.0:8114", "http://127.0.0.1:8114"),
        ("0:8115", "http://127.0.0.1:8115"),
        ("[::1]:8116", "http://[::1]:8116"),
    ],
)
def test_site_url_follows_the_address(addr, url):
    assert run_local.local_site_url(addr) == url


def test_web_and_worker_get_the_site_url_of_their_address(started, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.delenv("SITE_URL", raising=False)
    call_command("run_local", addr="127.0.0.1:8111")
    assert [p["env"]["SITE_URL"] for p in started] == ["http://127.0.0.1:8111"] * 2


def test_a_site_url_that_is_set_wins(started, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("SITE_URL", "https://portal.example")
    call_command("run_local", addr="127.0.0.1:8111")
    assert {p["env"]["SITE_URL"] for p in started} == {"https://portal.example"}


def test_settings_derive_links_and_trusted_origins_from_it(tmp_path):
    """What the web and worker processes load: SITE_URL, the CSRF trusted origins and the link protocol."""
    environ = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "CSRF_TRUSTED_ORIGINS", "DEBUG")}
    env = run_local.local_environment("127.0.0.1:8111", {**environ, "VAR_DIR": str(tmp_path)})
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SITE_URL, s.CSRF_TRUSTED_ORIGINS, s.ACCOUNT_DEFAULT_HTTP_PROTOCOL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["http://127.0.0.1:8111", "['http://127.0.0.1:8111']", "http"]
