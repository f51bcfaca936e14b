"""The Celery application: configured from Django settings (the CELERY_ prefix)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msl_crm.settings")

app = Celery("msl_crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
