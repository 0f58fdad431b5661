"""The Celery application: settings under the CELERY_ namespace, tasks found per app."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger, worker_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swsdigital.settings")

app = Celery("swsdigital")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _touch_ready_file(**_kwargs) -> None:
    """Tell a waiting test harness that the worker consumes (CELERY_READY_FILE)."""
    ready_file = os.environ.get("CELERY_READY_FILE")
    if ready_file:
        Path(ready_file).touch()


@worker_init.connect
def _refuse_a_broken_dkim_key(**_kwargs) -> None:
    """A worker does not run Django's system checks: refuse to start rather than fail on every message."""
    from django.core.exceptions import ImproperlyConfigured

    from swsdigital.mail.dkim import signer_get

    try:
        signer_get()  # parses the key once for this process
    except ImproperlyConfigured as exc:
        raise SystemExit(f"Not starting the worker: {exc}") from exc  # SystemExit passes Celery's signal guard


@after_setup_logger.connect
@after_setup_task_logger.connect
def _mask_bank_data_in_logs(logger, **_kwargs) -> None:
    """The worker logs through Celery's own handlers, not settings' LOGGING: they mask IBANs too."""
    from swsdigital.core.redaction import BankDataLogFilter

    for handler in logger.handlers:
        if not any(isinstance(f, BankDataLogFilter) for f in handler.filters):
            handler.addFilter(BankDataLogFilter())
