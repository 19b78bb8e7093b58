"""Run one call per thread against PostgreSQL, all released at once, for the row-lock (overbooking) tests.

Django keeps one connection per thread, so every call runs in its own database session and transaction. The
test that uses this must be transactional (`django_db(transaction=True)`): the threads cannot see rows left
uncommitted in the test's own transaction.
"""

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections


def run_in_threads(target: Callable[[Any], Any], args: Iterable[Any], *, timeout: float = 60) -> list:
    """Call `target(arg)` for every arg, each in its own thread, and return what the calls returned, in the order
    they finished. A call that raises leaves `repr(error)` instead, so the test's assertion on the outcomes names
    it; a call still running after `timeout` seconds leaves nothing."""
    args = list(args)
    # Every thread waits here until all have started, so the calls really race for the same rows.
    barrier = threading.Barrier(len(args))
    outcomes = []

    def run(arg):
        try:
            barrier.wait()
            outcomes.append(target(arg))
        except Exception as error:  # noqa: BLE001 - reported through the outcomes
            outcomes.append(repr(error))
        finally:
            # The thread's own connection: left open, it would keep the test database busy at teardown.
            connections.close_all()

    threads = [threading.Thread(target=run, args=(arg,)) for arg in args]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes
