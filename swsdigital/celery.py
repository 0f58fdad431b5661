"""The Celery application: settings under the CELERY_ namespace, tasks found per app."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_ready

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
