"""The mail server refuses (554 at the greeting, 554 to the recipients, nobody listening, or it hangs): the
e-mail task schedules retries with growing delays and never crashes the worker or the request; once the server
accepts again the message is delivered exactly once."""

import time

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse

from core.mail import message_to_payload
from core.tasks import email_send
from tests.faults.helpers import SilentServer, closed_port, run_as_worker
from tests.faults.smtp import SMTPServer

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    settings.EMAIL_DELIVERY_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    yield server
    server.close()


def _payload(subject: str = "Constancia emitida") -> dict:
    return message_to_payload(EmailMessage(subject, "Cuerpo", "no-reply@example.org", ["ana@example.org"]))


@pytest.mark.parametrize("mode", ["greeting", "rcpt"])
def test_a_refusing_server_gets_retries_with_backoff_then_one_delivery(smtp, mode):
    smtp.mode = mode
    payload = _payload()
    countdowns = []
    for attempt in range(3):
        outcome, countdown = run_as_worker(email_send, payload, retries=attempt)
        assert outcome == "retry"
        countdowns.append(countdown)
    assert smtp.connections == 3 and smtp.messages == []
    # retry_backoff=30 with full jitter: at most 30 s, 60 s, 120 s ... (capped at 30 minutes).
    assert all(0 <= c <= 30 * 2 ** n for n, c in enumerate(countdowns)), countdowns

    smtp.mode = "accept"
    assert run_as_worker(email_send, payload, retries=3) == ("ok", 1)
    assert len(smtp.messages) == 1 and b"Subject: Constancia emitida" in smtp.messages[0]


def test_the_last_retry_fails_the_task_without_sending(smtp):
    """After max_retries the worker records the failure (the exception) and moves on; nothing was sent."""
    import smtplib

    smtp.mode = "rcpt"
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        run_as_worker(email_send, _payload(), retries=email_send.max_retries)
    assert smtp.messages == []


def test_no_server_listening_is_retried(settings, smtp):
    settings.EMAIL_PORT = closed_port()
    outcome, countdown = run_as_worker(email_send, _payload())
    assert outcome == "retry" and 0 <= countdown <= 30


def test_a_hung_server_is_retried_after_email_timeout(settings):
    """A server that accepts the connection and never greets: EMAIL_TIMEOUT bounds the wait (without it the task
    would hang until the 240 s soft time limit, which is not retried: the message would be lost)."""
    server = SilentServer()
    settings.EMAIL_DELIVERY_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 1
    try:
        started = time.monotonic()
        outcome, _countdown = run_as_worker(email_send, _payload())
        assert outcome == "retry" and time.monotonic() - started < 5
    finally:
        server.close()


@pytest.mark.django_db
def test_broker_and_mail_server_down_the_request_answers_after_one_attempt(
        client, smtp, broker_down, settings, learner, django_capture_on_commit_callbacks):
    """Broker down: CeleryEmailBackend delivers in-process, once; the refused message is logged, not retried nine
    times back to back inside the request (eager retries run at once)."""
    settings.EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
    smtp.mode = "rcpt"
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": learner.email})
    assert response.status_code == 302
    assert smtp.connections == 1 and smtp.messages == []
    assert time.monotonic() - started < 5
