"""Structured logs: one JSON object per line (LOG_FORMAT=json, production's default), each line carrying the id of
the request it belongs to, also in the Celery tasks that request queued.

The id comes from the proxy's X-Request-ID header (nginx sets it from $request_id) when it looks like one, so the
proxy's access log, the application's lines and the tasks' lines can be joined; otherwise a new one is made. It is
returned to the browser in the X-Request-ID response header, for support requests ("quote this number").
"""

import contextvars
import logging
import re
import time
import uuid

NO_REQUEST = "-"
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default=NO_REQUEST)
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,128}")
TASK_HEADER = "campus_request_id"

logger = logging.getLogger("campus.request")


def accepted_request_id(value: str | None) -> str:
    """The given id if it is safe to log and reuse (letters, digits, '.', '_', '-'; 8-128 long), else a new one."""
    return value if value and _ACCEPTED.fullmatch(value) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (the current request's or task's, "-" outside both)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class RequestLogMiddleware:
    """Names each request and logs one line when it is answered: method, path (no query string: it may hold
    personal data), status, duration and the signed-in user's id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accepted_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            logger.info("%s %s %s", request.method, request.path, response.status_code, extra={
                "method": request.method, "path": request.path, "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            })
            return response
        finally:
            request_id_var.reset(token)


def task_publishing(headers=None, **kwargs) -> None:
    """Celery `before_task_publish`: a task queued while answering a request carries that request's id."""
    current = request_id_var.get()
    if headers is not None and current != NO_REQUEST:
        headers.setdefault(TASK_HEADER, current)


def task_starting(task=None, task_id=None, **kwargs) -> None:
    """Celery `task_prerun`: the task's lines carry the id of the request that queued it, else the task's own id."""
    given = getattr(task.request, TASK_HEADER, None) if task is not None else None
    request_id_var.set(given or task_id or NO_REQUEST)


def task_finished(**kwargs) -> None:
    request_id_var.set(NO_REQUEST)
