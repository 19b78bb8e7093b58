"""The Celery application; configuration comes from Django settings under the CELERY_ namespace."""

from celery import Celery

from elearn.environment import configure

configure()

app = Celery("elearn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
