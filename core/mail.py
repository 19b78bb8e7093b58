"""An e-mail backend that hands every message to Celery, so no request waits on a mail server."""

import base64
import logging
from email.mime.base import MIMEBase

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

logger = logging.getLogger(__name__)


def message_to_payload(message: EmailMessage) -> dict:
    """Turn a Django message into JSON-safe data for the task queue."""
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            raise ValueError("MIME-part attachments cannot be queued; attach (filename, content, mimetype)")
        filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append([filename, base64.b64encode(content).decode("ascii"), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "attachments": attachments,
    }


def payload_to_message(payload: dict, connection=None) -> EmailMultiAlternatives:
    """Rebuild the message that `message_to_payload` serialised."""
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
        connection=connection,
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in payload["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


class CeleryEmailBackend(BaseEmailBackend):
    """Queue each message after the surrounding transaction commits; deliver it in a worker."""

    def send_messages(self, email_messages) -> int:
        from core.tasks import email_send

        count = 0
        for message in email_messages:
            payload = message_to_payload(message)
            transaction.on_commit(lambda payload=payload: _enqueue(email_send, payload))
            count += 1
        return count


def _enqueue(task, payload: dict) -> None:
    try:
        task.delay(payload)
    except Exception:
        # The broker is unreachable: deliver now rather than lose the message. One attempt only: an eager task's
        # retries run at once, back to back, so a refusing mail server would hold the request for nine attempts.
        logger.exception("Could not queue an e-mail; delivering it in-process instead")
        result = task.apply(args=(payload,), retries=task.max_retries, throw=False)
        if result.failed():
            logger.error("E-mail %r to %s not delivered: %s", payload["subject"], ", ".join(payload["to"]),
                         result.result)
