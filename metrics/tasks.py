"""Metrics tasks: small, idempotent, safe to run twice."""

from celery import shared_task

from metrics import report, services


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=10,
             retry_backoff_max=600, retry_jitter=True, max_retries=5)
def metrics_report_render(report_id: int) -> str:
    """Render one requested PDF report."""
    result = report.report_render(report_id=report_id)
    return result.status if result else "missing"


@shared_task
def metrics_report_sweep() -> int:
    """Periodic: queue again reports still waiting after a broker or worker outage."""
    return report.report_sweep()


@shared_task
def metrics_offerings_rebuild() -> int:
    """Nightly: recompute every offering from the live pages (publish-time sync keeps them current; this
    repairs anything changed outside the admin)."""
    return services.offerings_rebuild()


@shared_task(soft_time_limit=540, time_limit=600)
def metrics_snapshot_recent() -> int | None:
    """Periodic: store again the figures of all time and of the periods that end in the last days or later."""
    from metrics import snapshot

    return snapshot.refresh_recent()


@shared_task(soft_time_limit=3000, time_limit=3300)
def metrics_snapshot_all() -> int | None:
    """Nightly: store again the figures of every standard period (past changes included)."""
    from metrics import snapshot

    return snapshot.refresh_all()
