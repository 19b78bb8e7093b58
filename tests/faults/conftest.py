"""Fault fixtures: a Celery broker nobody answers at, a cache on a dead Redis, e-mail through the Celery backend."""

import os

import pytest

from elearn.celery import app
from tests.certificates.conftest import catalog, certificate_template, course  # noqa: F401
from tests.faults.helpers import SilentServer, closed_port


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def _use_broker(url: str, *, eager: bool, transport_options: dict | None = None):
    """Point the Celery app at `url`, dropping the connection and producer pools built for the previous one.
    Celery reads the CELERY_BROKER_URL environment variable before its configuration, so that is set too."""
    app.conf.task_always_eager = eager
    app.conf.broker_url = os.environ["CELERY_BROKER_URL"] = url
    if transport_options is not None:
        app.conf.broker_transport_options = transport_options
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Tasks are published (not run eagerly) to a Redis broker that refuses connections; `back()` restores
    eager execution, as if the broker and a worker were back."""
    previous = (app.conf.task_always_eager, app.conf.broker_url, dict(app.conf.broker_transport_options or {}))
    environment = os.environ.get("CELERY_BROKER_URL")

    class Broker:
        url = f"redis://127.0.0.1:{closed_port()}/0"

        @staticmethod
        def point_to(url: str, transport_options: dict | None = None):
            _use_broker(url, eager=False, transport_options=transport_options)

        @staticmethod
        def back():
            _use_broker(previous[1], eager=True, transport_options=previous[2])

    _use_broker(Broker.url, eager=False)
    yield Broker
    _use_broker(previous[1], eager=previous[0], transport_options=previous[2])
    if environment is None:
        del os.environ["CELERY_BROKER_URL"]
    else:
        os.environ["CELERY_BROKER_URL"] = environment


@pytest.fixture
def celery_email(settings):
    """E-mail goes through the production path (CeleryEmailBackend queues an email_send task); delivery is locmem."""
    settings.EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
