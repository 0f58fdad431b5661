"""The Celery application: settings under the CELERY_ namespace, tasks found per app."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger, worker_ready

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


@after_setup_logger.connect
@after_setup_task_logger.connect
def _mask_bank_data_in_logs(logger, **_kwargs) -> None:
    """The worker logs through Celery's own handlers, not settings' LOGGING: they mask IBANs too."""
    from swsdigital.core.redaction import BankDataLogFilter

    for handler in logger.handlers:
        if not any(isinstance(f, BankDataLogFilter) for f in handler.filters):
            handler.addFilter(BankDataLogFilter())
