"""Attendance per session, the threshold that issues one certificate of attendance, and the roster view."""

import pytest
from django.core.exceptions import PermissionDenied

from certificates.models import Certificate, CertificateSignatory, CertificateTemplate
from seminars.models import Attendance, Registration
from seminars.services import RegistrationError, attendance_check, attendance_mark
from tests.factories import UserFactory
from tests.seminars.conftest import confirmed


@pytest.fixture
def template(db) -> CertificateTemplate:
    template = CertificateTemplate.objects.create(name="T")
    CertificateSignatory.objects.create(template=template, name="Rosa Firmante", position="Secretaria Técnica",
                                        sort_order=0)
    return template


@pytest.fixture
def seminar(seminar_factory, template, trainer):
    return seminar_factory(sessions=4, certificate_template=template, organisers=[trainer])


def marks_for(registration, seminar, attended: int) -> dict:
    return {(registration.pk, str(session.key)): index < attended
            for index, session in enumerate(seminar.session_list)}


def test_the_default_threshold_is_three_quarters(seminar):
    assert seminar.attendance_threshold == 75
    assert len(seminar.session_list) == 4


def test_two_of_four_sessions_is_not_enough(seminar, trainer, learner, django_capture_on_commit_callbacks):
    registration = confirmed(learner, seminar)
    with django_capture_on_commit_callbacks(execute=True):
        changed = attendance_mark(actor=trainer, seminar=seminar, marks=marks_for(registration, seminar, 2))
    assert changed == 4
    registration.refresh_from_db()
    assert registration.attended_at is None
    assert not Certificate.objects.exists()
    assert Attendance.objects.filter(registration=registration, present=True).count() == 2


def test_three_of_four_sessions_issues_one_attendance_certificate(seminar, trainer, learner,
                                                                  django_capture_on_commit_callbacks):
    registration = confirmed(learner, seminar)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(actor=trainer, seminar=seminar, marks=marks_for(registration, seminar, 2))
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(actor=trainer, seminar=seminar, marks=marks_for(registration, seminar, 3))
    registration.refresh_from_db()
    assert registration.attended_at is not None
    certificate = Certificate.objects.get()
    assert certificate.kind == Certificate.Kind.ATTENDANCE
    assert certificate.status == Certificate.Status.VALID
    assert certificate.registration_id == registration.pk
    assert certificate.user == learner
    assert certificate.subject_title == seminar.title


def test_marking_again_changes_neither_the_certificate_nor_the_date(seminar, trainer, learner,
                                                                    django_capture_on_commit_callbacks):
    registration = confirmed(learner, seminar)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(actor=trainer, seminar=seminar, marks=marks_for(registration, seminar, 3))
    registration.refresh_from_db()
    attended_at = registration.attended_at
    with django_capture_on_commit_callbacks(execute=True):
        assert attendance_mark(actor=trainer, seminar=seminar, marks=marks_for(registration, seminar, 3)) == 0
        attendance_mark(actor=trainer, seminar=seminar, marks=marks_for(registration, seminar, 4))
        assert attendance_check(registration=Registration.objects.get(pk=registration.pk), seminar=seminar) is False
    registration.refresh_from_db()
    assert registration.attended_at == attended_at
    assert Certificate.objects.count() == 1


def test_the_secretariat_may_mark(seminar, secretariat, learner, django_capture_on_commit_callbacks):
    registration = confirmed(learner, seminar)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(actor=secretariat, seminar=seminar, marks=marks_for(registration, seminar, 1))
    assert Attendance.objects.get(present=True).marked_by == secretariat


def test_a_learner_may_not_mark(seminar, learner):
    registration = confirmed(learner, seminar)
    with pytest.raises(PermissionDenied):
        attendance_mark(actor=learner, seminar=seminar, marks=marks_for(registration, seminar, 4))
    assert not Attendance.objects.exists()


def test_only_confirmed_participants_and_known_sessions(seminar, trainer, learner):
    registration = confirmed(learner, seminar)
    waiting = confirmed(UserFactory(), seminar)
    waiting.status = Registration.Status.WAITLISTED
    waiting.save()
    with pytest.raises(RegistrationError):
        attendance_mark(actor=trainer, seminar=seminar, marks=marks_for(waiting, seminar, 1))
    with pytest.raises(RegistrationError):
        attendance_mark(actor=trainer, seminar=seminar,
                        marks={(registration.pk, "00000000-0000-0000-0000-000000000000"): True})
    assert not Attendance.objects.exists()


# The roster


def test_the_organisers_roster_lists_confirmed_participants(seminar, trainer, learner, client):
    registration = confirmed(learner, seminar)
    waiting = confirmed(UserFactory(full_name="Persona En Espera"), seminar)
    waiting.status = Registration.Status.WAITLISTED
    waiting.save()
    client.force_login(trainer)
    response = client.get(f"/seminars/{seminar.pk}/roster/")
    assert response.status_code == 200
    html = response.content.decode()
    assert learner.full_name in html
    assert "Persona En Espera" not in html
    for session in seminar.session_list:
        assert f'name="present-{registration.pk}-{session.key}"' in html
    assert "Save attendance" in html


def test_posting_the_roster_saves_attendance(seminar, trainer, learner, client, django_capture_on_commit_callbacks):
    registration = confirmed(learner, seminar)
    client.force_login(trainer)
    sessions = seminar.session_list
    data = {f"present-{registration.pk}-{session.key}": "on" for session in sessions[:3]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/seminars/{seminar.pk}/roster/", data)
    assert response.status_code == 302
    present = set(Attendance.objects.filter(registration=registration, present=True)
                  .values_list("session_key", flat=True))
    assert present == {session.key for session in sessions[:3]}
    assert Attendance.objects.get(session_key=sessions[3].key).present is False
    registration.refresh_from_db()
    assert registration.attended_at is not None
    assert Certificate.objects.filter(registration=registration).count() == 1


def test_a_focal_point_sees_their_countrys_participants_read_only(seminar, focal_point_mx, learner, client):
    confirmed(learner, seminar)  # GT
    mexican = confirmed(UserFactory(country="MX", full_name="Oficial Mexicana"), seminar)
    client.force_login(focal_point_mx)
    response = client.get(f"/seminars/{seminar.pk}/roster/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Oficial Mexicana" in html
    assert learner.full_name not in html
    assert "Save attendance" not in html
    key = seminar.session_list[0].key
    response = client.post(f"/seminars/{seminar.pk}/roster/", {f"present-{mexican.pk}-{key}": "on"})
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_a_learner_cannot_open_the_roster(seminar, learner, client):
    confirmed(learner, seminar)
    client.force_login(learner)
    assert client.get(f"/seminars/{seminar.pk}/roster/").status_code == 403
