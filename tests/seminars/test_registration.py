"""Registration rules: policies, focal point decisions, deadlines, audiences, capacity and the waiting list."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from wagtail.models import Locale, Page

from crm.models import ActionPlanLine
from seminars.models import Registration, SeminarPage
from seminars.services import (
    RegistrationError,
    registration_decide,
    registration_nominate,
    registration_request,
    registration_withdraw,
)
from tests.factories import UserFactory
from tests.pg_threads import run_in_threads

Status = Registration.Status


def register(user, seminar, capture):
    with capture(execute=True):
        registration = registration_request(user=user, seminar=seminar)
    return registration


def test_open_registration_is_confirmed_with_a_country_snapshot(seminar_factory, learner,
                                                                 django_capture_on_commit_callbacks):
    seminar = seminar_factory()
    registration = register(learner, seminar, django_capture_on_commit_callbacks)
    learner.country = "HN"
    learner.save()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert registration.confirmed_at is not None
    assert registration.country == "GT"
    assert registration.seminar_key == seminar.translation_key
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [learner.email]
    assert "confirmed" in mail.outbox[0].subject
    assert seminar.title in mail.outbox[0].subject


def test_repeated_request_returns_the_same_registration(seminar_factory, learner,
                                                        django_capture_on_commit_callbacks):
    seminar = seminar_factory()
    first = register(learner, seminar, django_capture_on_commit_callbacks)
    second = register(learner, seminar, django_capture_on_commit_callbacks)
    assert second.pk == first.pk
    assert Registration.objects.filter(user=learner).count() == 1
    assert len(mail.outbox) == 1


def test_approval_by_the_focal_point_of_the_learners_country(seminar_factory, django_capture_on_commit_callbacks,
                                                             focal_point_mx):
    official = UserFactory(country="MX")
    seminar = seminar_factory(registration_policy="approval")
    registration = register(official, seminar, django_capture_on_commit_callbacks)
    assert registration.status == Status.PENDING
    assert "received" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_decide(actor=focal_point_mx, registration=registration, approve=True)
    assert registration.status == Status.CONFIRMED
    assert registration.decided_by == focal_point_mx
    assert "confirmed" in mail.outbox[-1].subject


def test_a_focal_point_of_another_country_cannot_decide(seminar_factory, learner, focal_point_mx,
                                                        django_capture_on_commit_callbacks):
    seminar = seminar_factory(registration_policy="approval")
    registration = register(learner, seminar, django_capture_on_commit_callbacks)  # a GT official
    with pytest.raises(PermissionDenied):
        registration_decide(actor=focal_point_mx, registration=registration, approve=True)
    registration.refresh_from_db()
    assert registration.status == Status.PENDING


def test_rejection_needs_a_reason(seminar_factory, focal_point_mx, django_capture_on_commit_callbacks):
    official = UserFactory(country="MX")
    seminar = seminar_factory(registration_policy="approval")
    registration = register(official, seminar, django_capture_on_commit_callbacks)
    with pytest.raises(RegistrationError):
        registration_decide(actor=focal_point_mx, registration=registration, approve=False, reason="  ")
    registration.refresh_from_db()
    assert registration.status == Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_decide(actor=focal_point_mx, registration=registration, approve=False,
                                           reason="Cupo reservado a fronteras")
    assert registration.status == Status.REJECTED
    assert registration.decision_reason == "Cupo reservado a fronteras"
    assert "not approved" in mail.outbox[-1].subject


def test_invitation_refuses_self_registration_but_accepts_a_nomination(seminar_factory, focal_point_mx,
                                                                      django_capture_on_commit_callbacks):
    official = UserFactory(country="MX")
    seminar = seminar_factory(registration_policy="invitation")
    with pytest.raises(RegistrationError) as refused:
        registration_request(user=official, seminar=seminar)
    assert refused.value.code == "invitation_only"
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_nominate(actor=focal_point_mx, user=official, seminar=seminar)
    assert registration.status == Status.CONFIRMED
    assert registration.decided_by == focal_point_mx
    assert len(mail.outbox) == 1


def test_a_focal_point_cannot_nominate_another_countrys_official(seminar_factory, focal_point_mx, learner):
    seminar = seminar_factory(registration_policy="invitation")
    with pytest.raises(PermissionDenied):
        registration_nominate(actor=focal_point_mx, user=learner, seminar=seminar)
    assert not Registration.objects.exists()


def test_registration_closes_at_the_deadline(seminar_factory, learner):
    seminar = seminar_factory(registration_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(RegistrationError) as refused:
        registration_request(user=learner, seminar=seminar)
    assert refused.value.code == "closed"
    assert not Registration.objects.exists()


def test_member_officials_seminar_is_hidden_from_a_non_member_country(seminar_factory, client):
    outsider = UserFactory(country="AR")
    seminar = seminar_factory(audience="member_officials")
    client.force_login(outsider)
    assert client.get(seminar.url).status_code == 404
    with pytest.raises(RegistrationError) as refused:
        registration_request(user=outsider, seminar=seminar)
    assert refused.value.code == "not_available"
    client.force_login(UserFactory(country="GT"))
    assert client.get(seminar.url).status_code == 200


# Capacity and the waiting list


def test_the_third_registrant_of_two_seats_is_waitlisted(seminar_factory, django_capture_on_commit_callbacks):
    seminar = seminar_factory(capacity=2)
    users = [UserFactory() for _ in range(3)]
    statuses = [register(user, seminar, django_capture_on_commit_callbacks).status for user in users]
    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]
    assert mail.outbox[-1].to == [users[2].email]
    assert "waiting list" in mail.outbox[-1].subject


def test_a_withdrawal_promotes_the_first_on_the_waiting_list(seminar_factory, django_capture_on_commit_callbacks):
    seminar = seminar_factory(capacity=2)
    first, second, third, fourth = (UserFactory() for _ in range(4))
    seated = register(first, seminar, django_capture_on_commit_callbacks)
    register(second, seminar, django_capture_on_commit_callbacks)
    waiting_first = register(third, seminar, django_capture_on_commit_callbacks)
    waiting_second = register(fourth, seminar, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_withdraw(user=first, registration=seated)
    seated.refresh_from_db()
    waiting_first.refresh_from_db()
    waiting_second.refresh_from_db()
    assert seated.status == Status.WITHDRAWN
    assert waiting_first.status == Status.CONFIRMED
    assert waiting_second.status == Status.WAITLISTED
    assert [message.to for message in mail.outbox] == [[third.email]]
    assert "freed up" in mail.outbox[0].subject


def test_withdrawing_from_the_waiting_list_promotes_nobody(seminar_factory, django_capture_on_commit_callbacks):
    seminar = seminar_factory(capacity=1)
    first, second, third = (UserFactory() for _ in range(3))
    register(first, seminar, django_capture_on_commit_callbacks)
    waiting = register(second, seminar, django_capture_on_commit_callbacks)
    last = register(third, seminar, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        registration_withdraw(user=second, registration=waiting)
    last.refresh_from_db()
    assert last.status == Status.WAITLISTED


# Views


def test_post_register_registers_and_redirects_to_the_seminar(seminar_factory, learner, client,
                                                              django_capture_on_commit_callbacks):
    seminar = seminar_factory()
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/seminars/{seminar.pk}/register/")
    assert response.status_code == 302
    assert response.url == seminar.url
    assert Registration.objects.get(user=learner).status == Status.CONFIRMED
    assert len(mail.outbox) == 1


def test_register_needs_a_login(seminar_factory, client):
    seminar = seminar_factory()
    response = client.post(f"/seminars/{seminar.pk}/register/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert not Registration.objects.exists()


def test_register_refuses_get(seminar_factory, learner, client):
    seminar = seminar_factory()
    client.force_login(learner)
    assert client.get(f"/seminars/{seminar.pk}/register/").status_code == 405
    assert not Registration.objects.exists()


def test_post_withdraw_withdraws(seminar_factory, learner, client, django_capture_on_commit_callbacks):
    seminar = seminar_factory()
    registration = register(learner, seminar, django_capture_on_commit_callbacks)
    client.force_login(learner)
    response = client.post(f"/seminars/{seminar.pk}/withdraw/")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.WITHDRAWN


# Concurrency (PostgreSQL row locks)


def _seminar_from_scratch(capacity: int) -> SeminarPage:
    """Built without fixtures: earlier transactional tests may have flushed the data-migration rows."""
    Locale.objects.get_or_create(language_code="es")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    line, _ = ActionPlanLine.objects.get_or_create(slug="seminars", defaults={"name_es": "Seminarios"})
    starts_at = timezone.now() + timedelta(days=10)
    seminar = root.add_child(instance=SeminarPage(
        title="Cupo disputado", slug="seminario-disputado", summary="Cupo", action_plan_line=line,
        host_country="GT", starts_at=starts_at, ends_at=starts_at + timedelta(days=2), capacity=capacity))
    seminar.save_revision().publish()
    return SeminarPage.objects.get(pk=seminar.pk)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_overbook():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs this against it)")
    seminar = _seminar_from_scratch(3)
    users = [UserFactory() for _ in range(10)]
    outcomes = run_in_threads(lambda user: registration_request(user=user, seminar=seminar).status, users)
    assert sorted(outcomes) == sorted([Status.CONFIRMED] * 3 + [Status.WAITLISTED] * 7)
    registrations = Registration.objects.filter(seminar_key=seminar.translation_key)
    assert registrations.filter(status=Status.CONFIRMED).count() == 3
    assert registrations.filter(status=Status.WAITLISTED).count() == 7
