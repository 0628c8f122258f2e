"""The Celery application; tasks live in the apps (``<app>/tasks.py``, and the scheduler's in
``complaints/scheduling/tasks.py``)."""

from __future__ import annotations

import os

from celery import Celery

import ops.tasks  # noqa: F401  (connects the signals that carry the request id and set up logging)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("klachtwijzer")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["complaints.scheduling"])  # complaints/scheduling/tasks.py
app.autodiscover_tasks(["complaints.mail"])  # complaints/mail/tasks.py
