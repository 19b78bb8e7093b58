"""Tasks used across the platform."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection

from core.mail import payload_to_message


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def email_send(self, payload: dict) -> int:
    """Deliver one queued e-mail through the real backend (EMAIL_URL); retried with backoff on failure."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    return payload_to_message(payload, connection=connection).send()
