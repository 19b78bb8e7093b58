"""Counting stored xAPI statements in learners' results, and sending them to a Learning Record Store when one is
configured."""

import base64
import json
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlencode

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from h5p import services
from h5p.models import XAPIStatement


@shared_task(autoretry_for=(OperationalError,), retry_backoff=5, retry_backoff_max=300, retry_jitter=True,
             max_retries=5)
def xapi_aggregate(statement_id: str) -> str:
    """Count one statement in the learner's result, complete what it completes, queue it for the LRS; a second run
    does nothing. Retried on a deadlock or a lost database connection (nothing was counted then)."""
    return "aggregated" if services.xapi_aggregate(statement_id=statement_id) else "skipped"


@shared_task
def xapi_aggregate_pending(limit: int = 1000, min_age_seconds: int = 60) -> int:
    """Periodic sweep: queue statements not counted a minute after they were stored (broker down when the request
    queued them, task lost); returns how many were queued."""
    return services.xapi_aggregate_pending(limit=limit, min_age=timedelta(seconds=min_age_seconds))


class LRSUnavailable(Exception):
    """The LRS did not take the statement this time (network error or 5xx); Celery retries."""


@shared_task(bind=True, autoretry_for=(LRSUnavailable,), retry_backoff=30, retry_backoff_max=3600,
             retry_jitter=True, max_retries=10)
def xapi_forward(self, statement_id: str) -> str:
    """PUT the statement under its own id, so a repeated delivery is harmless (the LRS answers 204 or 409)."""
    record = XAPIStatement.objects.filter(pk=statement_id).first()
    if record is None or record.forwarded_at is not None or not settings.XAPI_LRS_URL:
        return "skipped"
    if not settings.XAPI_LRS_URL.startswith(("https://", "http://")):
        return "refused: XAPI_LRS_URL must be an http(s) address"
    url = f"{settings.XAPI_LRS_URL}?{urlencode({'statementId': str(record.pk)})}"
    request = urllib.request.Request(url, data=json.dumps(record.statement).encode(), method="PUT", headers={  # noqa: S310
        "Content-Type": "application/json", "X-Experience-API-Version": "1.0.3",
    })
    if settings.XAPI_LRS_USERNAME:
        secret = f"{settings.XAPI_LRS_USERNAME}:{settings.XAPI_LRS_PASSWORD}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(secret).decode())
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - the configured LRS URL
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        raise LRSUnavailable(str(error)) from error
    if status >= 500 or status == 429:
        raise LRSUnavailable(f"LRS answered {status}")
    if status not in (200, 204, 409):
        return f"refused {status}"  # a 4xx will not get better by retrying; the statement stays unforwarded
    XAPIStatement.objects.filter(pk=record.pk, forwarded_at__isnull=True).update(forwarded_at=timezone.now())
    return "forwarded"


@shared_task
def xapi_forward_pending(limit: int = 1000) -> int:
    """Periodic sweep: queue statements not yet accepted by the LRS (oldest first); returns how many were queued."""
    if not settings.XAPI_LRS_URL:
        return 0
    pending = list(XAPIStatement.objects.filter(forwarded_at__isnull=True).order_by("stored_at")
                   .values_list("pk", flat=True)[:limit])
    for statement_id in pending:
        xapi_forward.delay(str(statement_id))
    return len(pending)
