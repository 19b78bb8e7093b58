"""Queueing tasks without letting a broker outage fail the request or the sweep that queues them."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> None:
    """Publish `task(*args)` now. With the broker down the failure is logged and the work is left to the periodic
    sweep that covers it (see docs/operations.md)."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - logged; a sweep queues it again
        logger.warning("%s%r not queued; its sweep will queue it", task.name, args, exc_info=True)


def enqueue_on_commit(task, *args) -> None:
    """Publish `task(*args)` once the surrounding transaction commits (as `enqueue`)."""
    transaction.on_commit(lambda: enqueue(task, *args))
