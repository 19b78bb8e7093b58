"""Every periodic task the beat schedule names exists (a typo would only show as a silent no-op in production)."""

from django.conf import settings


def test_every_scheduled_task_is_a_registered_task():
    from elearn.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
    assert "metrics.tasks.metrics_report_sweep" in scheduled
