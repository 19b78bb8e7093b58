"""The Celery application; configuration comes from Django settings under the CELERY_ namespace."""

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

from elearn.environment import configure

configure()

app = Celery("elearn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _connect_request_ids() -> None:
    from core.logs import task_finished, task_publishing, task_starting

    before_task_publish.connect(task_publishing, weak=False, dispatch_uid="campus.request_id.publish")
    task_prerun.connect(task_starting, weak=False, dispatch_uid="campus.request_id.prerun")
    task_postrun.connect(task_finished, weak=False, dispatch_uid="campus.request_id.postrun")


_connect_request_ids()
