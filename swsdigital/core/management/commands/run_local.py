"""Run the web server and a Celery worker with embedded beat together; Ctrl-C stops both."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the development web server and a Celery worker (with beat) that need no other server."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr: str, **options):
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
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.append(True))
        procs = {name: subprocess.Popen(cmd, env=os.environ.copy()) for name, cmd in commands.items()}
        self.stdout.write(self.style.SUCCESS(f"Portal on http://{addr}/ (English: /en/). Press Ctrl-C to stop."))
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
