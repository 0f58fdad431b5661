"""The production files, checked without a Docker engine: docker-compose.yml and the Dockerfile."""

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.harness import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DJANGO_SERVICES = ("web", "worker", "beat", "migrate")
SETTINGS_SOURCE = (ROOT / "swsdigital" / "settings.py").read_text()
SETTINGS_READS = set(re.findall(r"""env\.\w+\(\s*["']([A-Z][A-Z0-9_]*)["']""", SETTINGS_SOURCE)) | set(
    re.findall(r"""Env\(\)\.\w+\(\s*["']([A-Z][A-Z0-9_]*)["']""", SETTINGS_SOURCE)
)
# A valid Fernet key (never used outside these tests).
FIELD_KEY = "x7c1L0kYkqg3rPq2m9iP8f2qQb3Wm4sNvRkq0c6uN5M="
_VAR = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:\?|:-)(?P<arg>[^}]*))?\}")


def _interpolate(value: str, shell: dict[str, str]) -> str:
    """Substitute ${VAR}, ${VAR:-default} and ${VAR:?error} as docker compose does."""

    def substitute(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if shell.get(name):
            return shell[name]
        if op == ":?":
            raise ValueError(f"{name}: {arg}")
        return arg if op == ":-" else ""

    return _VAR.sub(substitute, value).replace("$$", "$")


def _environment(service: str, shell: dict[str, str]) -> dict[str, str]:
    return {k: _interpolate(str(v), shell) for k, v in SERVICES[service]["environment"].items()}


def _command(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return command.split() if isinstance(command, str) else command


def test_the_stack_has_its_services_with_the_right_images():
    assert set(SERVICES) == {"migrate", "web", "worker", "beat", "db", "redis", "mail"}
    assert SERVICES["db"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"
    assert SERVICES["mail"]["image"].startswith("axllent/mailpit")
    for name in DJANGO_SERVICES:
        assert SERVICES[name]["build"] == "."
        assert SERVICES[name]["image"] == "swsdigital:latest"


def test_django_services_share_one_block():
    shared = COMPOSE["x-django"]
    for name in DJANGO_SERVICES:
        assert SERVICES[name]["environment"] == shared["environment"]
        assert SERVICES[name]["volumes"] == shared["volumes"]


def test_commands_start_gunicorn_and_celery():
    assert _command("web")[:2] == ["gunicorn", "swsdigital.wsgi:application"]
    assert "0.0.0.0:8000" in _command("web")
    assert _command("worker")[:4] == ["celery", "-A", "swsdigital", "worker"]
    assert _command("beat")[:4] == ["celery", "-A", "swsdigital", "beat"]
    assert _command("migrate") == ["python", "manage.py", "migrate", "--noinput"]


def test_command_modules_exist():
    wsgi = importlib.import_module("swsdigital.wsgi")
    assert callable(wsgi.application)
    celery_module = importlib.import_module("swsdigital.celery")
    assert celery_module.app.main == "swsdigital"


def test_every_variable_set_is_one_the_settings_read():
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= SETTINGS_READS  # the grep works
    for name in DJANGO_SERVICES:
        unknown = set(SERVICES[name]["environment"]) - SETTINGS_READS
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"


def test_production_settings_are_set_for_web_worker_and_beat():
    for name in ("web", "worker", "beat"):
        env = SERVICES[name]["environment"]
        for required in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SITE_URL"):
            assert env.get(required), f"{name} lacks {required}"
        assert env["DEBUG"] == "false"
        assert env["EMAIL_URL"] == "smtp://mail:1025"
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379/")


def test_compose_refuses_to_start_without_a_secret_key():
    with pytest.raises(ValueError, match="SECRET_KEY"):
        _environment("web", shell={})


def test_compose_refuses_to_start_without_field_encryption_keys():
    with pytest.raises(ValueError, match="FIELD_ENCRYPTION_KEYS"):
        _environment("web", {"SECRET_KEY": "x"})
    for name in DJANGO_SERVICES:
        assert SERVICES[name]["environment"]["FIELD_ENCRYPTION_KEYS"].startswith("${FIELD_ENCRYPTION_KEYS:?")


def test_migrations_run_once_before_the_app_starts():
    assert SERVICES["migrate"]["restart"] == "no"
    assert set(SERVICES["migrate"]["depends_on"]) == {"db"}
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_healthchecks_and_volumes():
    for name in ("web", "worker", "db", "redis", "mail"):
        assert SERVICES[name]["healthcheck"]["test"], name
    assert "X-Forwarded-Proto" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert set(COMPOSE["volumes"]) == {"pgdata", "redisdata", "media"}
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    assert "media:/app/var/media" in SERVICES["web"]["volumes"]
    assert (
        _environment("web", {"SECRET_KEY": "x", "FIELD_ENCRYPTION_KEYS": FIELD_KEY})["MEDIA_ROOT"] == "/app/var/media"
    )
    for service in SERVICES.values():
        for dependency in service.get("depends_on", {}):
            assert dependency in SERVICES


def test_cache_and_broker_use_different_redis_databases():
    env = _environment("web", {"SECRET_KEY": "x", "FIELD_ENCRYPTION_KEYS": FIELD_KEY})
    assert env["CACHE_REDIS_URL"] != env["REDIS_URL"]


def test_compose_environment_is_a_valid_production_configuration(tmp_path):
    """The web service's environment, as compose would pass it, passes Django's deploy checks."""
    shell = {
        "SECRET_KEY": "k" + "9fG2xQ7vLmP4rT8wZ1cY6bN3hJ5dS0aE" * 2,
        "FIELD_ENCRYPTION_KEYS": FIELD_KEY,
        "ALLOWED_HOSTS": "portal.sws-digital.example",
        "SITE_URL": "https://portal.sws-digital.example",
    }
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("URL") and k not in ("TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(_environment("web", shell))
    env.update({"VAR_DIR": str(tmp_path), "MEDIA_ROOT": str(tmp_path / "media")})
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- Dockerfile -------------------------------------------------------------------

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _instruction(name: str) -> list[str]:
    lines = re.sub(r"\\\n\s*", " ", DOCKERFILE).splitlines()
    return [line.split(None, 1)[1] for line in lines if line.split(None, 1)[:1] == [name]]


def test_dockerfile_builds_a_slim_non_root_image_with_the_pinned_requirements():
    assert _instruction("FROM") == ["python:3.13-slim"]
    assert any("pip install -r requirements.txt" in run for run in _instruction("RUN"))
    assert any("manage.py collectstatic --noinput" in run for run in _instruction("RUN"))
    [user] = _instruction("USER")
    assert user not in ("root", "0")
    assert any("useradd" in run and user in run for run in _instruction("RUN"))


def test_dockerfile_runs_gunicorn_on_the_projects_wsgi_module():
    [cmd] = _instruction("CMD")
    command = json.loads(cmd)
    assert command[0] == "gunicorn"
    module, _, attribute = command[1].partition(":")
    assert hasattr(importlib.import_module(module), attribute)
    assert not _instruction("ENTRYPOINT")
    assert command == _command("web")


def test_docker_context_leaves_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv*", "var", "staticfiles", ".env"):
        assert entry in ignored


def _production_subprocess(args: list[str], tmp_path, **extra: str) -> subprocess.CompletedProcess:
    shell = {
        "SECRET_KEY": "k" + "9fG2xQ7vLmP4rT8wZ1cY6bN3hJ5dS0aE" * 2,
        "FIELD_ENCRYPTION_KEYS": FIELD_KEY,
        "ALLOWED_HOSTS": "portal.example",
    }
    env = {k: v for k, v in os.environ.items() if not k.endswith("URL") and k != "TEST_DATABASE_NAME"}
    env.update(_environment("web", shell))
    env.update({"VAR_DIR": str(tmp_path), "MEDIA_ROOT": str(tmp_path / "media"), **extra})
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_the_image_build_step_collects_static_files(tmp_path):
    """What the Dockerfile's collectstatic step does, with production storage (hashed, compressed)."""
    static_root = tmp_path / "static"
    result = _production_subprocess(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        tmp_path,
        STATIC_ROOT=str(static_root),
        CELERY_BROKER_URL="memory://",
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    assert "css/site.css" in manifest and "vendor/bootstrap/bootstrap.min.css" in manifest
    assert (static_root / manifest["css/site.css"]).exists()
    assert (static_root / "css" / "site.css.gz").exists()


def test_gunicorn_loads_the_application_with_the_compose_environment(tmp_path):
    command = _command("web")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    result = _production_subprocess([gunicorn, "--check-config", *command[1:]], tmp_path)
    assert result.returncode == 0, result.stderr
    broken = _production_subprocess([gunicorn, "--check-config", "swsdigital.nowhere:application"], tmp_path)
    assert broken.returncode != 0  # the check really imports the module
