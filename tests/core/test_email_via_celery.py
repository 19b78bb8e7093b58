"""Messages go through Celery: the request only queues them, the task delivers them."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, get_connection
from django.test import override_settings

from core.mail import message_to_payload, payload_to_message

CELERY_MAIL = {
    "EMAIL_BACKEND": "core.mail.CeleryEmailBackend",
    "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


def _message():
    message = EmailMultiAlternatives(
        "Confirmación", "Texto plano", "Campus CRM <no-reply@example.org>", ["ana@example.org"],
        cc=["cc@example.org"], reply_to=["help@example.org"], headers={"X-Campus": "1"},
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    message.attach("constancia.pdf", b"%PDF-1.7 \x00\xff binary", "application/pdf")
    return message


def test_payload_round_trip_keeps_everything():
    rebuilt = payload_to_message(message_to_payload(_message()))
    assert rebuilt.subject == "Confirmación"
    assert rebuilt.to == ["ana@example.org"] and rebuilt.cc == ["cc@example.org"]
    assert rebuilt.reply_to == ["help@example.org"]
    assert rebuilt.extra_headers == {"X-Campus": "1"}
    assert rebuilt.alternatives[0][0] == "<p>HTML</p>"
    filename, content, mimetype = rebuilt.attachments[0]
    assert (filename, content, mimetype) == ("constancia.pdf", b"%PDF-1.7 \x00\xff binary", "application/pdf")


@pytest.mark.django_db(transaction=True)
@override_settings(**CELERY_MAIL)
def test_backend_queues_after_commit_and_task_delivers():
    from django.db import transaction

    with transaction.atomic():
        get_connection().send_messages([_message()])
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Confirmación"


@pytest.mark.django_db(transaction=True)
@override_settings(**CELERY_MAIL)
def test_rolled_back_transaction_sends_nothing():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        get_connection().send_messages([_message()])
        raise RuntimeError("rollback")
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
@override_settings(**CELERY_MAIL)
def test_broker_down_still_delivers(monkeypatch):
    from core import tasks

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.email_send, "delay", refuse)
    get_connection().send_messages([_message()])
    assert len(mail.outbox) == 1
