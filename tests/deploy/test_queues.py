"""Celery routing: every task lands on a declared queue by its name, and the broker never hands a task out twice
while a worker still holds it."""

import pytest
from django.conf import settings

from elearn.celery import app


def _queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.fixture(scope="module")
def project_tasks() -> dict:
    app.loader.import_default_modules()
    tasks = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert len(tasks) >= 15, sorted(tasks)
    return tasks


def test_every_project_task_lands_on_a_declared_queue(project_tasks):
    declared = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert declared == {"default", "email", "pdf", "bulk"}
    landed = {name: _queue_of(name) for name in project_tasks}
    assert {name: queue for name, queue in landed.items() if queue not in declared} == {}
    # What operators rely on: e-mail alone on its queue, one PDF at a time on `pdf`, long jobs on `bulk`, and the
    # sweeps beat queues never behind a long job.
    assert {name for name, queue in landed.items() if queue == "email"} == {"core.tasks.email_send"}
    assert {name for name, queue in landed.items() if queue == "pdf"} == {
        "certificates.tasks.certificate_render", "metrics.tasks.metrics_report_render"}
    assert {
        "enrolments.tasks.bulk_enrolment_validate", "enrolments.tasks.bulk_enrolment_apply",
        "certificates.tasks.certificate_job_run", "metrics.tasks.metrics_snapshot_all",
    } <= {name for name, queue in landed.items() if queue == "bulk"}
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    long_running = {"metrics.tasks.metrics_snapshot_recent", "metrics.tasks.metrics_snapshot_all",
                    "metrics.tasks.metrics_offerings_rebuild"}
    assert {name: landed[name] for name in scheduled - long_running if landed[name] != "default"} == {}


@pytest.mark.parametrize(("name", "queue"), [
    ("seminars.tasks.seminar_certificates_sweep", "default"),
    ("h5p.tasks.xapi_export_pending", "default"),
    ("seminars.tasks.attendance_sheet_render", "pdf"),
    ("enrolments.tasks.bulk_enrolment_export", "bulk"),
    ("core.tasks.email_send_digest", "email"),
    ("quizzes.tasks.quiz_regrade", "default"),
])
def test_a_new_task_lands_by_its_name(name, queue):
    assert _queue_of(name) == queue


def test_an_explicit_queue_still_wins_over_the_routes():
    """The tests' private worker queues (tests/browser/journey_worker.py) rely on it."""
    route = app.amqp.router.route({"queue": "test-private"}, "certificates.tasks.certificate_render")
    assert route["queue"].name == "test-private"


def test_the_broker_never_redelivers_a_task_a_worker_still_holds(project_tasks):
    """Redis gives an unacknowledged task to another worker after the visibility timeout. A worker holds one for at
    most its time limit, plus, for a retry, the countdown it waits before running it again."""
    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]

    def longest_hold(task) -> int:
        countdown = task.retry_backoff_max if getattr(task, "retry_backoff", False) else task.default_retry_delay
        return max(task.time_limit, countdown + task.time_limit)

    holds = {name: longest_hold(task) for name, task in project_tasks.items()}
    assert max(holds.values()) >= 3600, holds  # xapi_forward's hour of backoff is counted
    assert {name: hold for name, hold in holds.items() if hold >= visibility_timeout} == {}


def test_long_tasks_are_acknowledged_late_one_at_a_time(project_tasks):
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    for name, task in project_tasks.items():
        if _queue_of(name) in ("pdf", "bulk"):
            assert task.acks_late and task.reject_on_worker_lost, name


def test_email_has_a_short_time_limit(project_tasks):
    email = project_tasks["core.tasks.email_send"]
    assert email.soft_time_limit < email.time_limit <= 60 < settings.CELERY_TASK_TIME_LIMIT
    # Each SMTP step gives up long before the task does, so a slow server is retried rather than killed.
    assert settings.EMAIL_TIMEOUT * 3 < email.soft_time_limit
