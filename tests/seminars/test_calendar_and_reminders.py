"""The online link's visibility, iCalendar files and the 48-hour and 2-hour reminders."""

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from seminars.models import Registration
from seminars.tasks import seminar_reminders
from tests.factories import UserFactory
from tests.seminars.conftest import confirmed

LINK = "https://meet.example.org/seminario-secreto"


def events(response) -> list:
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


@pytest.fixture
def online(seminar_factory):
    return seminar_factory(modality="online", online_link=LINK)


def test_the_online_link_is_shown_only_to_confirmed_participants(online, client, trainer):
    assert LINK not in client.get(online.url).content.decode()
    waiting = confirmed(UserFactory(), online)
    waiting.status = Registration.Status.WAITLISTED
    waiting.save()
    client.force_login(waiting.user)
    page = client.get(online.url).content.decode()
    assert "waiting list" in page
    assert LINK not in page
    client.force_login(confirmed(UserFactory(), online).user)
    assert LINK in client.get(online.url).content.decode()


def test_organisers_get_the_online_link_in_the_ics(online, client, trainer):
    online.organisers.set([trainer])
    online.save_revision().publish()
    client.force_login(trainer)
    [event] = events(client.get(f"/seminars/{online.pk}/event.ics"))
    assert LINK in str(event["DESCRIPTION"])


def test_organisers_see_the_online_link_on_the_page(online, client, trainer):
    online.organisers.set([trainer])
    online.save_revision().publish()
    client.force_login(trainer)
    response = client.get(online.url)
    assert response.context["show_link"] is True
    assert LINK in response.content.decode()


def test_the_ics_carries_the_link_only_for_confirmed_participants(online, client):
    client.force_login(UserFactory())
    [event] = events(client.get(f"/seminars/{online.pk}/event.ics"))
    assert LINK not in str(event["DESCRIPTION"])
    client.force_login(confirmed(UserFactory(), online).user)
    [event] = events(client.get(f"/seminars/{online.pk}/event.ics"))
    assert LINK in str(event["DESCRIPTION"])


def test_the_ics_has_one_event_with_the_seminars_times_in_utc(seminar_factory, client):
    seminar = seminar_factory()
    response = client.get(f"/seminars/{seminar.pk}/event.ics")
    assert response.status_code == 200
    [event] = events(response)
    assert str(event["SUMMARY"]) == seminar.title
    starts, ends = event.decoded("DTSTART"), event.decoded("DTEND")
    assert starts.utcoffset() == timedelta(0)
    assert starts == seminar.starts_at.replace(microsecond=0)
    assert ends == seminar.ends_at.replace(microsecond=0)
    assert starts.astimezone(UTC) == seminar.starts_at.astimezone(UTC).replace(microsecond=0)


def test_the_feed_lists_upcoming_not_past_seminars(seminar_factory, client):
    upcoming = seminar_factory(title="Seminario venidero")
    seminar_factory(title="Seminario pasado", starts_at=timezone.now() - timedelta(days=30))
    response = client.get("/seminars/feed.ics")
    assert response.status_code == 200
    assert [str(event["SUMMARY"]) for event in events(response)] == [upcoming.title]


# Reminders


def run_reminders(capture) -> int:
    with capture(execute=True):
        return seminar_reminders()


def test_the_48_hour_reminder_is_sent_once(seminar_factory, learner, django_capture_on_commit_callbacks):
    seminar = seminar_factory(starts_at=timezone.now() + timedelta(hours=47))
    registration = confirmed(learner, seminar)
    assert run_reminders(django_capture_on_commit_callbacks) == 1
    assert [message.to for message in mail.outbox] == [[learner.email]]
    assert "Starting in 2 days" in mail.outbox[0].subject
    assert run_reminders(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    registration.refresh_from_db()
    assert registration.reminded_48h_at is not None
    assert registration.reminded_2h_at is None


def test_the_2_hour_reminder_is_sent_once(seminar_factory, learner, django_capture_on_commit_callbacks):
    seminar = seminar_factory(starts_at=timezone.now() + timedelta(hours=1, minutes=30))
    registration = confirmed(learner, seminar)
    registration.reminded_48h_at = timezone.now() - timedelta(days=2)
    registration.save()
    assert run_reminders(django_capture_on_commit_callbacks) == 1
    assert "Starting in 2 hours" in mail.outbox[0].subject
    assert run_reminders(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_waitlisted_participants_get_no_reminder(seminar_factory, django_capture_on_commit_callbacks):
    seminar = seminar_factory(starts_at=timezone.now() + timedelta(hours=47))
    waiting = confirmed(UserFactory(), seminar)
    waiting.status = Registration.Status.WAITLISTED
    waiting.save()
    assert run_reminders(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_a_late_registration_gets_only_the_2_hour_reminder(seminar_factory, learner,
                                                           django_capture_on_commit_callbacks):
    seminar = seminar_factory(starts_at=timezone.now() + timedelta(hours=1, minutes=30))
    confirmed(learner, seminar)
    run_reminders(django_capture_on_commit_callbacks)
    assert [message.subject for message in mail.outbox] == [mail.outbox[-1].subject]
    assert "Starting in 2 hours" in mail.outbox[0].subject
