"""Run the web server and a Celery worker with embedded beat together; Ctrl-C stops both."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# runserver's wildcard addresses; links in emails need one a browser can open.
_WILDCARD_HOSTS = {"0", "0.0.0.0", "[::]", "::"}  # noqa: S104 - names, not a bind


def local_site_url(addr: str) -> str:
    """Return the base URL of `runserver addr` ("8111", "127.0.0.1:8111", "[::1]:8111", "0.0.0.0:8111")."""
    host, _, port = addr.rpartition(":")
    if not host or host in _WILDCARD_HOSTS:
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def local_environment(addr: str, environ: dict[str, str]) -> dict[str, str]:
    """Return the environment of the web and worker processes: SITE_URL follows ADDR unless it is set.

    Email links, feeds and calendar links use SITE_URL, the trusted origins default to it; on another port
    than 8000 they pointed to http://127.0.0.1:8000.
    """
    env = dict(environ)
    if not env.get("SITE_URL"):
        env["SITE_URL"] = local_site_url(addr)
    return env


def static_files_need_collecting() -> bool:
    """True when the pages can use only collected static files (DEBUG off, or a manifest storage)."""
    return not settings.DEBUG or isinstance(storages["staticfiles"], ManifestFilesMixin)


class Command(BaseCommand):
    help = "Start the development web server and a Celery worker (with beat) that need no other server."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr: str, **options):
        if not settings.DEBUG and settings.SECURE_SSL_REDIRECT:
            raise CommandError(
                "DEBUG is off, so every page redirects to https://, which make run cannot serve: "
                "try production settings locally with SECURE_SSL_REDIRECT=false SECURE_COOKIES=false."
            )
        if static_files_need_collecting():
            # With DEBUG off WhiteNoise serves STATIC_ROOT only, and the manifest storage needs its manifest
            # to render any page ("Missing staticfiles manifest entry").
            self.stdout.write(
                f"Collecting static files into {settings.STATIC_ROOT} (the pages use them with DEBUG off) …"
            )
            call_command("collectstatic", interactive=False, verbosity=0)
        env = local_environment(addr, os.environ)
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
            "worker": [
                python, "-m", "celery", "-A", "swsdigital", "worker", "--beat",
                "--loglevel=INFO", "--pool=threads", "--concurrency=4",
            ],
        }  # fmt: skip
        stop = []
        # Explicit handlers: a runner started in the background inherits an ignored SIGINT.
        previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
        for signum in previous:
            signal.signal(signum, lambda *_: stop.append(True))
        procs = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        self.stdout.write(
            self.style.SUCCESS(f"Portal on http://{addr}/ (English: /en/), links in emails to {env['SITE_URL']}/.")
        )
        self.stdout.write("Press Ctrl-C to stop.")
        try:
            while not stop and all(p.poll() is None for p in procs.values()):
                time.sleep(0.3)
            if stop:
                self.stdout.write("Stopping …")
            else:
                failed = [n for n, p in procs.items() if p.poll() is not None]
                self.stderr.write(f"Stopped because {', '.join(failed)} exited.")
        finally:
            for p in procs.values():
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs.values():
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
