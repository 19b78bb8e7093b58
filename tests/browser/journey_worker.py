"""A real Celery worker for the browser journeys whose steps run as tasks (bulk enrolment jobs, certificates).

The same pattern as tests/certificates/test_worker.py: `celery worker` on a private queue, on the test database,
with the test settings. Every task the live server publishes while the worker runs goes to that queue, so
workers of parallel test runs never take each other's tasks. Without PostgreSQL and Redis (the default SQLite
`make test`) the journeys run their tasks eagerly in-process instead: a worker process cannot see SQLite's test
database.
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _database_url(connection) -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _queue_forget(url: str, queue: str) -> None:
    """Drop the private queue and the exchange bindings kombu keeps for it in Redis."""
    import redis

    redis.Redis.from_url(url).delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@contextmanager
def worker_process(queues: list[str], *, broker: str, env: dict[str, str], name: str = "test"):
    """`celery -A elearn worker` (solo pool) consuming `queues` from `broker`, with `env` over this process's
    environment. Yields the process; its output is in the file `process.output` and its node name in
    `process.nodename`. Afterwards it is stopped and its queues are forgotten in Redis."""
    nodename = f"{name}-{uuid.uuid4().hex[:8]}@%h"
    # A file, not a pipe: nobody reads a pipe while the test runs, and a full one would block the worker.
    output = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "elearn", "worker", "-Q", ",".join(queues), "-n", nodename,
         "--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
        cwd=ROOT, env={**os.environ, "CELERY_BROKER_URL": broker, **env}, stdout=output, stderr=subprocess.STDOUT,
        text=True,
    )
    process.output, process.nodename = output, nodename
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()
        for queue in queues:
            _queue_forget(broker, queue)


@contextmanager
def celery_worker():
    """Yield the worker process (None when tasks run eagerly, see the module docstring)."""
    from unittest import mock

    from django.conf import settings
    from django.db import connection

    from elearn.celery import app

    broker = settings.CELERY_BROKER_URL
    if connection.vendor != "postgresql" or not _redis_answers(broker):
        if os.environ.get("CI"):
            raise RuntimeError("CI runs the journeys' tasks in a real worker: it needs PostgreSQL and Redis")
        yield None
        return
    queue = f"test-journey-{uuid.uuid4().hex[:8]}"
    env = {"DJANGO_SETTINGS_MODULE": "elearn.settings.test", "DATABASE_URL": _database_url(connection)}
    with worker_process([queue], broker=broker, env=env, name="journey") as process:
        previous = app.conf.task_always_eager, app.conf.broker_url, app.conf.task_default_queue
        # The router reads task_default_queue at every publish: tasks queued by the live server's thread go here,
        # with the settings' routes (pdf, email, bulk...) set aside for the journey.
        app.conf.task_always_eager, app.conf.broker_url, app.conf.task_default_queue = False, broker, queue
        try:
            with mock.patch.object(app.amqp.router, "routes", []):
                yield process
        finally:
            app.conf.task_always_eager, app.conf.broker_url, app.conf.task_default_queue = previous


def wait_for(condition, *, process, timeout: float = 60, what: str = "the task") -> None:
    """Poll `condition()` until it is true; fail early with the worker's output if the worker died."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            process.output.seek(0)
            raise AssertionError(f"the worker exited early: {process.output.read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the worker did not finish {what} within {timeout:.0f} s")
        time.sleep(0.5)
