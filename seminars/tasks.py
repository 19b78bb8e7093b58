"""Seminar reminders, 48 hours and 2 hours before the start (Celery beat)."""

from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from seminars.models import Registration
from seminars.notifications import reminder_email

# (from, to] before the start: a registration made late gets only the reminder whose window it is in.
WINDOWS = {"48h": (timedelta(hours=2), timedelta(hours=48), "reminded_48h_at"),
           "2h": (timedelta(0), timedelta(hours=2), "reminded_2h_at")}


@shared_task
def seminar_reminders() -> int:
    """Send each due reminder once: the registration is claimed by a conditional update before the e-mail is
    queued, so the beat task running twice (or on two machines) cannot send it again."""
    now = timezone.now()
    sent = 0
    for which, (nearest, ahead, field) in WINDOWS.items():
        due = Registration.objects.filter(status=Registration.Status.CONFIRMED, seminar__starts_at__gt=now + nearest,
                                          seminar__starts_at__lte=now + ahead, **{f"{field}__isnull": True})
        for registration_id in list(due.values_list("pk", flat=True)):
            with transaction.atomic():
                claimed = Registration.objects.filter(pk=registration_id, **{f"{field}__isnull": True}).update(
                    **{field: now})
                if claimed:
                    registration = Registration.objects.select_related("user", "seminar").get(pk=registration_id)
                    transaction.on_commit(lambda r=registration, w=which: reminder_email(r, which=w))
                    sent += 1
    return sent
