"""The portal's Celery application.

Tasks are thin adaptors around service functions; settings come from Django's
settings module (the ``CELERY_`` names).
"""

import os

from celery import Celery
from celery.signals import beat_init, worker_init

from .structured_logs import connect_task_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# One log line per task, in every process that runs tasks (workers, and web servers running them in-process).
connect_task_logging()


@worker_init.connect
@beat_init.connect
def refuse_insecure_start(**kwargs):
    from django.core.exceptions import ImproperlyConfigured

    from .startup import require_secure_secret_key

    try:
        require_secure_secret_key()
    except ImproperlyConfigured as error:
        # Celery logs and carries on after an exception in a signal handler; SystemExit stops it.
        raise SystemExit(f"django.core.exceptions.ImproperlyConfigured: {error}") from None
