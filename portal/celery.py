"""The portal's Celery application.

Tasks are thin adaptors around service functions; settings come from Django's
settings module (the ``CELERY_`` names).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
