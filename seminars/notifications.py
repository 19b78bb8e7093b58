"""E-mails about seminar registrations, in each participant's language, queued through Celery."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from seminars.models import Registration

TEMPLATES = {
    Registration.Status.PENDING: "received",
    Registration.Status.CONFIRMED: "confirmed",
    Registration.Status.WAITLISTED: "waitlisted",
    Registration.Status.REJECTED: "rejected",
}


def registration_status_email(registration: Registration, *, promoted: bool = False) -> None:
    template = "promoted" if promoted else TEMPLATES.get(registration.status)
    seminar = registration.seminar
    if template is None or seminar is None:
        return
    user = registration.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"user": user, "registration": registration, "seminar": seminar,
                   "seminar_url": seminar.get_full_url() or settings.SITE_URL}
        subject = " ".join(render_to_string(f"seminars/email/{template}_subject.txt", context).split())
        body = render_to_string(f"seminars/email/{template}_message.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [user.email])


def reminder_email(registration: Registration, *, which: str) -> None:
    """"Your seminar starts in 48 hours / 2 hours", with the online link for confirmed participants."""
    seminar = registration.seminar
    user = registration.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"user": user, "registration": registration, "seminar": seminar, "which": which,
                   "seminar_url": seminar.get_full_url() or settings.SITE_URL}
        subject = " ".join(render_to_string("seminars/email/reminder_subject.txt", context).split())
        body = render_to_string("seminars/email/reminder_message.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [user.email])
