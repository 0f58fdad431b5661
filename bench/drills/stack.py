"""The parts every fault drill is built from: a database, Redis, an SMTP sink, the portal's processes, a client.

Everything listens on 127.0.0.1 and belongs to the drill: its own PostgreSQL database on the shared
server (dropped at the end), its own ``redis-server`` on a free port from 6390 (no persistence, a
temporary directory), its own SMTP sink in a process of its own, and the portal as production runs
it: gunicorn with ``DEBUG=false``, a Celery worker and Celery beat as separate processes.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
PG_URL = os.environ.get("DRILL_PG_URL", "postgres://postgres@127.0.0.1:5432")
STATIC_ROOT = ROOT / "var" / "drills" / "static"


class DrillFailed(Exception):
    """A pass criterion was not met, or the stack could not be brought up."""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port(start: int | None = None) -> int:
    """Return a free TCP port on 127.0.0.1 (the first from ``start`` upwards, if given)."""
    candidates = range(start, start + 200) if start else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise DrillFailed(f"no free port from {start}")


def wait_until(predicate, *, timeout: float, interval: float = 0.2, message: str = "condition") -> float:
    """Poll until predicate() is true; return the seconds it took, raise DrillFailed after timeout."""
    started = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise DrillFailed(f"timed out after {timeout:.0f}s waiting for {message}")
        time.sleep(interval)


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


# --- Processes -----------------------------------------------------------------------------------


class Process:
    """A child process in a session of its own (so a kill takes its children too), logging to a file."""

    def __init__(self, name: str, cmd: list[str], *, env: dict, workdir: Path):
        self.name, self.cmd, self.env = name, cmd, env
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> Process:
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.cmd, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.starts += 1
        return self

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, signum: int) -> None:
        if self.alive:
            os.killpg(self.proc.pid, signum)

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash or an OOM kill of a container would."""
        if self.alive:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        if self.alive:
            self.signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(Exception):
            os.killpg(self.proc.pid, signal.SIGKILL)  # leftovers of the group
        if getattr(self, "_log", None):
            self._log.close()

    def tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""


class RedisServer:
    """A redis-server of the drill's own: free port from 6390, no persistence, a temporary directory."""

    def __init__(self, workdir: Path):
        self.port = free_port(6390)
        self.dir = workdir / "redis"
        self.dir.mkdir()
        cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(self.dir), "--daemonize", "no"]  # fmt: skip
        self.process = Process("redis", cmd, env=dict(os.environ), workdir=workdir)

    def start(self) -> RedisServer:
        self.process.start()
        wait_until(lambda: port_open(self.port), timeout=10, message="redis-server")
        return self

    def stop(self) -> None:
        self.process.stop()


class Gate:
    """A TCP proxy in a process of its own: ``cut()`` drops every connection and refuses new ones.

    That is Redis as clients see it during a network partition or a restart: unreachable, while the
    server behind keeps its data (so queued tasks are not lost with the connection).
    """

    def __init__(self, target_port: int, workdir: Path):
        self.port = free_port(6400)
        self.target = target_port
        cmd = [PY, "-m", "bench.drills.services", "gate", str(self.port), str(target_port)]
        self.process = Process("gate", cmd, env=dict(os.environ), workdir=workdir)

    def start(self) -> Gate:
        self.process.start()
        wait_until(lambda: port_open(self.port), timeout=10, message="the gate")
        return self

    def cut(self) -> None:
        self.process.signal(signal.SIGUSR1)
        wait_until(lambda: not port_open(self.port), timeout=5, message="the gate to close")

    def open(self) -> None:
        self.process.signal(signal.SIGUSR2)
        wait_until(lambda: port_open(self.port), timeout=5, message="the gate to open")

    def stop(self) -> None:
        self.process.stop()


@dataclass
class Received:
    at: float
    rcpt: str
    message_id: str
    subject: str
    mail_from: str = ""  # the envelope sender (VERP return path)


class SmtpSink:
    """An aiosmtpd server in a process of its own; it accepts, refuses (4xx) or rejects (5xx) on command."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.record = workdir / "sink.jsonl"
        self.mode_file = workdir / "sink.mode"
        self.mode_file.write_text("accept")
        cmd = [PY, "-m", "bench.drills.services", "sink", str(self.port), str(self.record), str(self.mode_file)]
        self.process = Process("sink", cmd, env=dict(os.environ), workdir=workdir)
        self._offset = 0
        self._received: list[Received] = []
        self._refused = 0

    def start(self) -> SmtpSink:
        self.process.start()
        wait_until(lambda: port_open(self.port), timeout=10, message="the SMTP sink")
        return self

    def set_mode(self, mode: str) -> None:
        """accept, tempfail (451) or reject (550)."""
        tmp = self.mode_file.with_suffix(".tmp")
        tmp.write_text(mode)
        tmp.replace(self.mode_file)

    def _read(self) -> None:
        if not self.record.exists():
            return
        with self.record.open("rb") as f:
            f.seek(self._offset)
            data = f.read()
        end = data.rfind(b"\n") + 1
        self._offset += end
        for line in data[:end].splitlines():
            item = json.loads(line)
            if item.get("refused"):
                self._refused += 1
            else:
                self._received.append(
                    Received(item["t"], item["rcpt"].lower(), item["mid"], item["subject"], item.get("from", ""))
                )

    def received(self) -> list[Received]:
        self._read()
        return list(self._received)

    def refused(self) -> int:
        self._read()
        return self._refused

    def stop(self) -> None:
        self.process.stop()


# --- The database --------------------------------------------------------------------------------


class Database:
    """A PostgreSQL database of the drill's own on the shared server, dropped at the end."""

    def __init__(self, name: str):
        self.name = name
        self.url = f"{PG_URL}/{name}"

    def _admin(self):
        import psycopg2

        conn = psycopg2.connect(f"{PG_URL}/postgres")
        conn.autocommit = True
        return conn

    def create(self) -> Database:
        conn = self._admin()
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{self.name}"')
        conn.close()
        return self

    def terminate_backends(self) -> int:
        """pg_terminate_backend every connection to this database (but the one asking); return how many."""
        conn = self._admin()
        with conn.cursor() as cur:
            cur.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            )
            count = cur.fetchone()[0]
        conn.close()
        return count

    def drop(self) -> None:
        conn = self._admin()
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        conn.close()


# --- The portal ----------------------------------------------------------------------------------

# Variables the settings read; a caller's values (e.g. the test suite's) must not leak into the drill.
_PORTAL_VARIABLES = re.compile(
    r"^(DEBUG|SECRET_KEY|ALLOWED_HOSTS|SITE_URL|CSRF_TRUSTED_ORIGINS|DATABASE_URL|TEST_DATABASE_NAME|CONN_MAX_AGE"
    r"|REDIS_URL|CACHE_\w+|CELERY_\w+|EMAIL_\w+|MAIL_\w+|VAR_DIR|MEDIA_ROOT|STATIC\w*|SECURE_\w+|SESSION_\w+"
    r"|FORM_\w+|LOG_LEVEL|ADMIN_REQUIRE_MFA|MEMBERS_\w+|EVENTS_\w+|NEWSLETTER_\w+|DJANGO_SETTINGS_MODULE)$"
)


_KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def production_env(*, db: Database, redis_port: int, smtp_port: int, web_port: int, workdir: Path, **extra) -> dict:
    """The environment of every portal process: production settings, all on 127.0.0.1, the drill's servers."""
    env = {k: v for k, v in os.environ.items() if not _PORTAL_VARIABLES.match(k)}
    site = f"http://127.0.0.1:{web_port}"
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "swsdigital.settings",
            "DEBUG": "false",
            "SECRET_KEY": "".join(secrets.choice(_KEY_CHARS) for _ in range(60)),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": site,
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": db.url,
            "CONN_MAX_AGE": "60",  # as docker-compose.yml runs it
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "CACHE_REDIS_URL": f"redis://127.0.0.1:{redis_port}/1",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_TIMEOUT": "10",
            "VAR_DIR": str(workdir / "var"),
            "MEDIA_ROOT": str(workdir / "var" / "media"),
            "STATIC_ROOT": str(STATIC_ROOT),
            "LOG_LEVEL": "INFO",
        }
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env: dict, *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode:
        raise DrillFailed(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return result.stdout


class Portal:
    """gunicorn (production settings), a Celery worker and Celery beat, each a process of its own."""

    def __init__(self, env: dict, workdir: Path, *, web_port: int, gunicorn_workers: int = 3, concurrency: int = 2):
        self.env, self.workdir, self.web_port = env, workdir, web_port
        self.url = f"http://127.0.0.1:{web_port}"
        self.ready_file = workdir / "worker.ready"
        self.web = Process(
            "gunicorn",
            [PY, "-m", "gunicorn", "swsdigital.wsgi:application", "--bind", f"127.0.0.1:{web_port}",
             "--workers", str(gunicorn_workers), "--timeout", "30", "--graceful-timeout", "5"],
            env=env, workdir=workdir,
        )  # fmt: skip
        self.worker = Process(
            "worker",
            [PY, "-m", "celery", "-A", "swsdigital", "worker", "--loglevel=INFO", f"--concurrency={concurrency}",
             "--hostname=drill@%h", "--without-mingle", "--without-gossip"],
            env={**env, "CELERY_READY_FILE": str(self.ready_file)}, workdir=workdir,
        )  # fmt: skip
        self.beat = Process(
            "beat",
            [PY, "-m", "celery", "-A", "swsdigital", "beat", "--loglevel=INFO",
             "--schedule", str(workdir / "celerybeat-schedule")],
            env=env, workdir=workdir,
        )  # fmt: skip

    @staticmethod
    def prepare(env: dict) -> None:
        """Migrate the drill database and collect the static files (hashed names, as in production)."""
        manage(env, "migrate", "--noinput")
        STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        manage(env, "collectstatic", "--noinput", "-v0")

    def start(self) -> Portal:
        self.web.start()
        self.start_worker()
        self.beat.start()
        import requests

        def answers() -> bool:
            if not self.web.alive:
                raise DrillFailed(f"gunicorn exited:\n{self.web.tail()}")
            try:
                return requests.get(self.url + "/", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answers, timeout=60, message="gunicorn to serve the home page")
        return self

    def start_worker(self, timeout: float = 60) -> None:
        self.ready_file.unlink(missing_ok=True)
        self.worker.start()

        def ready() -> bool:
            if not self.worker.alive:
                raise DrillFailed(f"the Celery worker exited:\n{self.worker.tail()}")
            return self.ready_file.exists()

        wait_until(ready, timeout=timeout, message="the Celery worker to consume")

    def stop(self) -> None:
        for process in (self.beat, self.worker, self.web):
            process.stop()


def setup_django(env: dict) -> None:
    """Configure Django in the drill's own process with the portal's environment (to seed and to inspect)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- A visitor -----------------------------------------------------------------------------------


class _FormParser(HTMLParser):
    """Collect the forms of a page: action, method and the values a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "fields": [], "names": set(), "choices": {}}  # fmt: skip
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            self._form["names"].add(name)
            if kind in ("checkbox", "radio"):
                self._form["choices"].setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._form["fields"].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            self._form["names"].add(name)
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._form["choices"].setdefault(self._select, []).append(value)
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._form["fields"].append((self._select, value))
                self._select_first = "\0chosen"
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["names"].add(name)
            self._form["fields"].append((name, ""))

    def handle_data(self, data):
        if self._textarea and self._form:
            field_name, value = self._form["fields"][-1]
            self._form["fields"][-1] = (field_name, value + data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if self._select_first not in (None, "\0chosen"):
                self._form["fields"].append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


@dataclass
class Outcome:
    kind: str
    email: str
    started: float
    seconds: float
    get_status: int | None = None
    post_status: int | None = None
    error: str = ""
    location: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.get_status == 200 and self.post_status in (302, 303)


def submit_form(
    base_url: str,
    path: str,
    *,
    kind: str,
    email: str,
    values: dict,
    marker: tuple[str, ...],
    fill_seconds: float,
    pick: dict | None = None,
    timeout: float = 30,
    session=None,
) -> Outcome:
    """A visitor: GET the page (keeping the CSRF cookie), wait like a person, POST the form with ``marker``."""
    import requests

    started = time.time()
    outcome = Outcome(kind, email, started, 0.0)
    session = session or requests.Session()
    try:
        page = session.get(base_url + path, timeout=timeout)
        outcome.get_status = page.status_code
        if page.status_code != 200:
            outcome.error = f"GET {page.status_code}"
            return outcome
        parser = _FormParser()
        parser.feed(page.text)
        form = next((f for f in parser.forms if set(marker) <= f["names"]), None)
        if form is None:
            outcome.error = "form not found"
            return outcome
        data = [(k, v) for k, v in form["fields"] if k not in values]
        for name, choose in (pick or {}).items():  # e.g. the first membership type offered
            options = [o for o in form["choices"].get(name, []) if o]
            data = [(k, v) for k, v in data if k != name]
            if options:
                values = {**values, name: choose(options)}
        for name, value in values.items():
            for item in value if isinstance(value, list) else [value]:
                data.append((name, item))
        time.sleep(fill_seconds)
        response = session.post(
            base_url + (form["action"] or path), data=data, timeout=timeout, allow_redirects=False,
            headers={"Referer": base_url + path},
        )  # fmt: skip
        outcome.post_status = response.status_code
        outcome.location = response.headers.get("Location", "")
        if response.status_code not in (302, 303):
            outcome.error = f"POST {response.status_code}"
            errors = re.findall(r'class="[^"]*invalid-feedback[^"]*"[^>]*>\s*([^<]+)', response.text)
            if errors:
                outcome.error += ": " + "; ".join(e.strip() for e in errors[:3])
    except requests.RequestException as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        outcome.seconds = time.time() - started
    return outcome


class LoadDriver:
    """Threads that each run one kind of visitor in a loop until stopped."""

    def __init__(self):
        self.outcomes: list[Outcome] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def run(self, name: str, visit, count: int = 1) -> None:
        def loop(index: int) -> None:
            n = 0
            while not self._stop.is_set():
                outcome = visit(index, n)
                with self._lock:
                    self.outcomes.append(outcome)
                n += 1

        for index in range(count):
            thread = threading.Thread(target=loop, args=(index,), name=f"{name}-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 60) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def snapshot(self) -> list[Outcome]:
        with self._lock:
            return list(self.outcomes)


# --- The report ----------------------------------------------------------------------------------


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({platform.machine()}, {os.cpu_count()} cores "
        f"shared with other work, load {load[0]:.1f}), Python {platform.python_version()}"
    )


def report(section: str, body: str) -> None:
    """Rewrite this drill's section of docs/reliability.md (``## <section>``), keeping the others."""
    path = ROOT / "docs" / "reliability.md"
    header = (
        "# Reliability: fault drills\n\n"
        "Each drill breaks one part of a running portal on purpose and checks that nothing is lost. "
        "They are scripts in `bench/drills/`, run with `make drills` (all) or "
        "`python bench/drills/run.py NAME ...`; each one stops by itself and rewrites its own section below. "
        "Every drill runs the portal as production does — gunicorn with `DEBUG=false`, a Celery worker and "
        "Celery beat as separate processes — on a PostgreSQL database of its own (created, migrated and dropped), "
        "with a `redis-server` (cache and broker) and an aiosmtpd SMTP sink of its own on free ports, all on "
        "127.0.0.1, so the machine's shared PostgreSQL and Redis stay up. One drill is the exception: the embedded "
        "default runs the portal as `make run` starts it (`runserver`, a Celery worker with embedded beat, SQLite and "
        "kombu's filesystem broker) and breaks nothing but loads it with readers and writers at once.\n"
    )
    text = path.read_text() if path.exists() else header
    block = f"## {section}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(section)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block + "\n", text).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)


@dataclass
class Workdir:
    path: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sws-drill-")))

    def cleanup(self, keep: bool) -> None:
        if keep:
            log(f"logs kept in {self.path}")
        else:
            shutil.rmtree(self.path, ignore_errors=True)


class Stack:
    """Bring up a whole portal for one drill and take it down again (also when the drill fails).

    ``with Stack("name", gate=True, FORM_MIN_FILL_SECONDS=1) as stack:`` gives ``stack.portal``,
    ``stack.sink``, ``stack.redis``, ``stack.gate`` (with ``gate=True`` the portal reaches Redis only
    through it), ``stack.db`` and ``stack.url``; Django is set up in the calling process on the same
    database and broker. Logs stay in the work directory when the drill fails (or with ``keep=True``).
    """

    def __init__(self, name: str, *, gate: bool = False, demo: bool = True, gunicorn_workers: int = 3,
                 concurrency: int = 2, keep: bool = False, **env_extra):  # fmt: skip
        self.name, self.use_gate, self.demo, self.keep = name, gate, demo, keep
        self.gunicorn_workers, self.concurrency, self.env_extra = gunicorn_workers, concurrency, env_extra
        self.workdir = Workdir()
        self.db = Database(f"sws_drill_{name}")
        self.redis = self.gate = self.sink = self.portal = None

    def __enter__(self) -> Stack:
        try:
            self._up()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def _up(self) -> None:
        path = self.workdir.path
        log(f"drill {self.name}: work directory {path}")
        self.db.create()
        self.redis = RedisServer(path).start()
        redis_port = self.redis.port
        if self.use_gate:
            self.gate = Gate(self.redis.port, path).start()
            redis_port = self.gate.port
        self.sink = SmtpSink(path).start()
        web_port = free_port()
        self.env = production_env(
            db=self.db, redis_port=redis_port, smtp_port=self.sink.port, web_port=web_port, workdir=path,
            **self.env_extra,
        )  # fmt: skip
        log(f"migrating {self.db.name}, collecting static files")
        Portal.prepare(self.env)
        if self.demo:
            manage(self.env, "load_demo")
        setup_django(self.env)
        self.portal = Portal(
            self.env, path, web_port=web_port, gunicorn_workers=self.gunicorn_workers, concurrency=self.concurrency
        ).start()
        self.url = self.portal.url
        log(f"portal on {self.url}, Redis on {self.redis.port}, SMTP sink on {self.sink.port}")

    def __exit__(self, exc_type, exc, tb) -> None:
        failed = exc_type is not None
        if failed and self.portal:
            for process in (self.portal.web, self.portal.worker, self.portal.beat):
                log(f"--- {process.name} log (tail) ---\n{process.tail(1500)}")
        for part in (self.portal, self.sink, self.gate, self.redis):
            if part is not None:
                with contextlib.suppress(Exception):
                    part.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(Exception):
            self.db.drop()
        self.workdir.cleanup(keep=failed or self.keep)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def table(rows: list[tuple], header: tuple = ("figure", "value")) -> str:
    """A Markdown table; the first column left-aligned, the others right-aligned."""
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)
