"""Helpers of the fault tests: dead and silent servers, and a task body run as a worker would run it."""

import socket
import threading
from unittest import mock

from celery.exceptions import Retry


def run_as_worker(task, *args, retries: int = 0):
    """Call the task's body with a worker-like request (`retries` earlier attempts). Returns ("ok", result) or
    ("retry", countdown) when it scheduled a retry; any other exception propagates, as the worker would log it."""
    scheduled = []
    task.push_request(id=f"test-{task.name}", retries=retries, called_directly=False, is_eager=False,
                      delivery_info={})
    try:
        with mock.patch.object(task, "apply_async", side_effect=lambda *a, **kw: scheduled.append(kw)):
            try:
                return "ok", task.run(*args)
            except Retry:
                assert len(scheduled) == 1, scheduled
                return "retry", scheduled[0]["countdown"]
    finally:
        task.pop_request()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SilentServer:
    """Accepts TCP connections and never answers: a hung Redis or mail server."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(50)
        self.port = self.listener.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self):
        # shutdown() wakes the accept() blocked in the thread; close() alone leaves the socket listening.
        for sock in (self.listener, *self.connections):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
