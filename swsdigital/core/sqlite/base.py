"""Django's SQLite backend, with reading requests in deferred transactions.

Every transaction starts IMMEDIATE (settings: writers queue for the write lock instead of failing), except
the request transaction of a GET, HEAD or OPTIONS request, which only reads: it starts DEFERRED, so pages
render side by side in WAL mode instead of waiting in line behind every write for SQLite's one write lock
(under load a page could wait out the busy timeout behind writers and fail). Celery tasks, commands and
POST requests keep IMMEDIATE. `ReadingRequestMiddleware` marks the reading requests.
"""

from contextvars import ContextVar

from django.db.backends.sqlite3 import base

reading_request: ContextVar[bool] = ContextVar("sqlite_reading_request", default=False)


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self):
        if reading_request.get():
            self.cursor().execute("BEGIN DEFERRED")
        else:
            super()._start_transaction_under_autocommit()


class ReadingRequestMiddleware:
    """Mark GET, HEAD and OPTIONS requests as reading, for the SQLite backend above (no effect elsewhere)."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = reading_request.set(request.method in self.SAFE)
        try:
            return self.get_response(request)
        finally:
            reading_request.reset(token)
