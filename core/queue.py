"""Queueing a task after the surrounding transaction commits, without letting a broker outage fail the request."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Queue `task(*args)` once the transaction commits. With the broker down the request still succeeds: the
    failure is logged and the work is left to the periodic sweep that covers it (see docs/operations.md)."""

    def publish():
        try:
            task.delay(*args)
        except Exception:  # noqa: BLE001 - logged; a sweep queues it again
            logger.warning("%s%r not queued; its sweep will queue it", task.name, args, exc_info=True)

    transaction.on_commit(publish)
