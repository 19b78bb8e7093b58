"""Liveness of the services the platform depends on."""

from django.conf import settings
from django.db import connection


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_broker() -> str:
    """Connect to the Celery broker once, with a short timeout; 'skipped' when no broker is configured."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("memory://"):
        return "skipped"
    from elearn.celery import app

    with app.connection_for_write(url=url) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    return "ok"


CHECKS = {"database": check_database, "broker": check_broker}


def health_report() -> tuple[bool, dict]:
    """Run every check; return (all_ok, per-check status)."""
    results = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # every failure mode of a driver counts as unhealthy
            results[name] = f"error: {exc.__class__.__name__}"
            healthy = False
    return healthy, results
