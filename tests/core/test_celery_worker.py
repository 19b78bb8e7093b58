"""A real Celery worker process consumes a task from a real Redis broker."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from core.mail import message_to_payload
from elearn.celery import app

pytestmark = pytest.mark.celery_worker
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(redis_url, tmp_path):
    """Start `celery worker` on a private queue; its e-mail backend writes files into tmp_path."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "elearn.settings.dev",
        "CELERY_BROKER_URL": redis_url,
        "EMAIL_URL": f"filemail:///{outbox}",  # django-environ drops one leading slash
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path / 'worker.sqlite3'}"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "elearn", "worker", "-Q", queue, "--pool", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    previous = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    try:
        yield queue, outbox, process
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_email_task_runs_in_real_worker(worker):
    from django.core.mail import EmailMessage

    from core.tasks import email_send

    queue, outbox, process = worker
    subject = f"Worker check {uuid.uuid4().hex[:6]}"
    payload = message_to_payload(EmailMessage(subject, "Cuerpo", "no-reply@example.org", ["ana@example.org"]))
    with app.connection_for_write(url=app.conf.broker_url) as connection:
        email_send.apply_async(args=(payload,), queue=queue, connection=connection)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        files = list(outbox.glob("*.log"))
        if files and subject in files[0].read_text():
            break
        if process.poll() is not None:
            pytest.fail(f"worker exited early: {process.stdout.read()}")
        time.sleep(0.3)
    else:
        pytest.fail("the worker did not deliver the e-mail within 60 s")
    text = files[0].read_text()
    assert "To: ana@example.org" in text
