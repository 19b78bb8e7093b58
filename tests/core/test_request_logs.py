"""Every log line names the request it belongs to, in JSON in production, and so do the lines of the tasks that
request queued: an operator can follow one support call ("request id ...") from the proxy to the worker."""

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings

from core.logs import TASK_HEADER, accepted_request_id, request_id_var

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The project's LOGGING with the JSON format, writing to a buffer; the test configuration is put back after."""
    stream = io.StringIO()
    config = {**settings.LOGGING,
              "handlers": {"console": {**settings.LOGGING["handlers"]["console"], "formatter": "json",
                                       "stream": stream}},
              "root": {"handlers": ["console"], "level": "INFO"}}
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(settings.LOGGING)


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_each_response_names_its_request(client):
    first = client.get("/healthz")
    second = client.get("/healthz")

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxy_request_id_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="7f3c2a9e41d04b6f9a0e2d51c8b7f6a1")

    assert response["X-Request-ID"] == "7f3c2a9e41d04b6f9a0e2d51c8b7f6a1"


@pytest.mark.parametrize("given", ["<script>alert(1)</script>", "short", "a" * 129, "id with spaces 123",
                                   "line\nbreak-injected-0001"])
def test_an_unsafe_request_id_is_replaced(client, given):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=given)

    assert response["X-Request-ID"] != given
    assert response["X-Request-ID"] == accepted_request_id(response["X-Request-ID"])


def test_log_lines_are_json_with_the_request_id(client, learner, json_log):
    client.force_login(learner)
    response = client.get("/healthz", HTTP_X_REQUEST_ID="support-call-000123")

    [line] = [entry for entry in lines(json_log) if entry["logger"] == "campus.request"]
    assert line["request_id"] == response["X-Request-ID"] == "support-call-000123"
    assert (line["method"], line["path"], line["status"], line["user_id"]) == ("GET", "/healthz", 200, learner.pk)
    assert line["level"] == "INFO" and "time" in line and isinstance(line["duration_ms"], float)


def test_query_strings_are_not_logged(client, json_log):
    client.get("/healthz?email=someone%40example.org")

    assert "someone" not in json_log.getvalue()


def test_a_task_queued_by_a_request_carries_its_id(settings, redis_url):
    """Published to the real Redis broker (not run eagerly): the message's headers carry the id."""
    import redis
    from celery.signals import before_task_publish

    from core.tasks import email_send  # any project task; it is only published here, never run
    from elearn.celery import app

    seen = {}

    def capture(headers=None, **kwargs):
        seen.update(headers or {})

    before_task_publish.connect(capture, weak=False)
    token = request_id_var.set("support-call-000456")
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(redis_url) as connection:
            email_send.apply_async(args=[{}], connection=connection, queue="campus-test-request-ids")
    finally:
        redis.Redis.from_url(redis_url).delete("campus-test-request-ids")
        app.conf.task_always_eager = True
        request_id_var.reset(token)
        before_task_publish.disconnect(capture)

    assert seen[TASK_HEADER] == "support-call-000456"


def test_a_task_logs_with_the_id_of_the_request_that_queued_it(json_log):
    from types import SimpleNamespace

    from core.logs import task_finished, task_starting

    # What a worker hands task_prerun: the message's headers are attributes of task.request.
    task = SimpleNamespace(request=SimpleNamespace(campus_request_id="support-call-000789"))
    task_starting(task=task, task_id="task-0001")
    logging.getLogger("certificates").warning("rendered")
    task_finished()
    logging.getLogger("certificates").warning("idle")

    found = {line["message"]: line["request_id"] for line in lines(json_log)}
    assert found == {"rendered": "support-call-000789", "idle": "-"}


def test_production_logs_json_by_default():
    from tests.test_settings_env import PRODUCTION_ENV, _run

    code = "from django.conf import settings; print(settings.LOGGING['handlers']['console']['formatter'])"
    result = _run(["-c", f"from elearn.environment import configure; configure(); import django; django.setup(); "
                         f"{code}"], PRODUCTION_ENV)
    assert result.stdout.strip() == "json", result.stderr


def test_an_unknown_log_format_is_refused():
    from tests.test_settings_env import PRODUCTION_ENV, _run

    result = _run(["manage.py", "check"], {**PRODUCTION_ENV, "LOG_FORMAT": "xml"})
    assert result.returncode != 0 and "LOG_FORMAT" in result.stderr
