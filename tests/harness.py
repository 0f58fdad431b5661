"""Real parts for integration tests: an SMTP sink (aiosmtpd) and a Celery worker process."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, *, timeout: float = 30.0, interval: float = 0.1, message: str = "condition") -> None:
    """Poll until predicate() is true; fail with a message after timeout (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {message}")


class _SinkHandler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        sink = self.sink
        if sink.hold_after is not None and len(sink.messages) >= sink.hold_after:
            # Keep the sender waiting inside DATA (a batch provably in flight) until released.
            sink.held += 1
            while not sink.released.is_set():
                await asyncio.sleep(0.05)
            if sink.drop_held:
                return "451 4.3.0 Sender went away"
        mode = self.sink.mode
        if mode == "tempfail":
            self.sink.refused += 1
            return "451 4.3.0 Try again later"
        if mode == "reject":
            self.sink.refused += 1
            return "550 5.1.1 Mailbox unavailable"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            for rcpt in envelope.rcpt_tos:
                self.sink.messages.append((rcpt, message))
                self.sink.envelopes.append(Received(envelope.mail_from, rcpt, bytes(envelope.original_content)))
        return "250 OK"


@dataclass(frozen=True)
class Received:
    """One delivered message as the SMTP conversation carried it: MAIL FROM, RCPT TO and the DATA bytes."""

    mail_from: str
    rcpt: str
    content: bytes  # exactly as sent (CRLF line ends, dot-unstuffed): what a DKIM verifier sees


class SmtpSink:
    """An SMTP server on 127.0.0.1 that records what it receives; it can refuse (4xx) or reject (5xx)."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[tuple[str, EmailMessage]] = []
        self.envelopes: list[Received] = []  # the same deliveries with envelope sender and raw bytes
        self.mode = "accept"
        self.refused = 0
        self.hold_after: int | None = None  # block senders in DATA once this many messages arrived
        self.held = 0
        self.drop_held = False
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.controller = Controller(_SinkHandler(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def reset(self) -> None:
        self.release()
        with self.lock:
            self.messages.clear()
            self.envelopes.clear()
        self.mode = "accept"
        self.refused = 0
        self.hold_after = None
        self.held = 0
        self.drop_held = False
        self.released.clear()

    def hold(self, *, after: int) -> None:
        """Make the next sender wait inside DATA once ``after`` messages have arrived."""
        self.released.clear()
        self.hold_after = after

    def release(self, *, drop: bool = False) -> None:
        """Let held senders go on; with ``drop`` their messages are refused (the sender died)."""
        self.drop_held = drop
        self.hold_after = None
        self.released.set()

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for rcpt, m in self.messages if rcpt.lower() == address.lower()]

    def received(self, to: str | None = None) -> list[Received]:
        """The deliveries so far (for ``to``, if given) with their envelope sender and raw bytes."""
        with self.lock:
            return [r for r in self.envelopes if to is None or r.rcpt.lower() == to.lower()]

    def wait_for(self, count: int, *, to: str | None = None, timeout: float = 30.0) -> list[EmailMessage]:
        """Wait until ``count`` messages arrived (for ``to``, if given) and return them."""

        def arrived() -> list[EmailMessage]:
            with self.lock:
                return [m for rcpt, m in self.messages if to is None or rcpt.lower() == to.lower()]

        wait_until(lambda: len(arrived()) >= count, timeout=timeout, message=f"{count} message(s) to {to or 'anyone'}")
        return arrived()


def database_url(settings_dict: dict) -> str:
    """Return a DATABASE_URL that points a subprocess at the database the tests use."""
    engine = settings_dict["ENGINE"]
    if "sqlite" in engine:
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


class CeleryWorker:
    """A real `celery worker` process for the test database, broker and SMTP sink."""

    def __init__(self, *, env: dict[str, str], concurrency: int = 2, pool: str = "threads"):
        self.env = env
        self.concurrency = concurrency
        self.pool = pool
        self.proc: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])

    def start(self, timeout: float = 60.0) -> CeleryWorker:
        ready = Path(tempfile.mkdtemp()) / "ready"
        env = {**os.environ, **self.env, "CELERY_READY_FILE": str(ready)}
        cmd = [
            sys.executable, "-m", "celery", "-A", "swsdigital", "worker",
            f"--pool={self.pool}", f"--concurrency={self.concurrency}", "--loglevel=INFO",
            "--without-heartbeat", "--without-mingle", "--without-gossip",
        ]  # fmt: skip
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        try:
            wait_until(
                lambda: ready.exists() or self.proc.poll() is not None, timeout=timeout, message="the worker to start"
            )
        finally:
            shutil.rmtree(ready.parent, ignore_errors=True)
        if self.proc.poll() is not None:
            raise RuntimeError(f"Celery worker exited at start:\n{self.log()}")
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def kill(self) -> None:
        """SIGKILL the worker, as a crash would."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "_log", None):
            self._log.close()


class TcpGate:
    """A TCP proxy on 127.0.0.1 in front of a server; ``cut()`` drops every connection and refuses new ones.

    That is a server as its clients see it during a network partition: unreachable, with its data kept.
    """

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> TcpGate:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _addr = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Stop listening and drop every open connection."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def open(self) -> None:
        if self._listener is None:
            self.start()


LOCKED = "database is locked"


class Visitor:
    """A browser-like HTTP client with its own cookies, for many simultaneous visitors of a live server."""

    _hidden = re.compile(r'<input[^>]*type="hidden"[^>]*>')

    def __init__(self, base_url: str):
        import http.cookiejar
        import urllib.request

        self.base_url = base_url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        """GET (or POST ``data``) a path; return the status, the body and the headers."""
        import urllib.error
        import urllib.parse
        import urllib.request

        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)  # noqa: S310 - http:// of the live server
        if body is not None:
            request.add_header("Referer", self.base_url + path)  # as a browser sends it (CSRF over HTTPS)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(errors="replace"), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace"), dict(exc.headers)

    def form(self, path: str) -> dict:
        """Load a page like a person and return its hidden fields (CSRF token, form start, submission token)."""
        import html

        status, page, _headers = self.request(path)
        assert status == 200, f"GET {path}: {status}"
        fields = {}
        for tag in self._hidden.findall(page):
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
        return fields


def simultaneously(actions: list, *, timeout: float = 120.0) -> list:
    """Run the callables in threads released at the same moment; return their results (or exceptions)."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i: int, action) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[i] = action()
        except BaseException as exc:  # reported to the caller, which asserts there is none
            results[i] = exc
        finally:
            from django.db import connections

            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results
