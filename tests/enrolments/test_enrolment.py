"""Enrolment rules: policies, audience, window, seats, approval by the right focal point, nomination."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from crm.models import Network
from enrolments.models import Enrollment
from enrolments.services import (
    EnrollmentError,
    enrollment_approve,
    enrollment_nominate,
    enrollment_reject,
    enrollment_request,
    enrollment_withdraw,
)
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


def test_open_course_enrols_at_once_with_snapshot(course_factory):
    institution = InstitutionFactory(country="GT", name="Instituto Guatemalteco de Migración")
    user = UserFactory(country="GT", institution=institution, gender="female")
    course = course_factory(title="Abierto")
    enrollment = enrollment_request(user=user, course=course)
    assert enrollment.status == Status.ACTIVE and enrollment.activated_at
    assert (enrollment.country.code, enrollment.institution, enrollment.institution_type, enrollment.gender) == (
        "GT", institution, "migration", "female")
    # The official changes post: the enrolment keeps what was true when enrolling.
    user.country = "MX"
    user.institution = None
    user.save()
    enrollment.refresh_from_db()
    assert enrollment.country.code == "GT" and enrollment.institution == institution


def test_second_request_returns_the_same_enrolment(course_factory):
    user = UserFactory()
    course = course_factory(title="Abierto")
    first = enrollment_request(user=user, course=course)
    assert enrollment_request(user=user, course=course).pk == first.pk
    assert Enrollment.objects.count() == 1


def test_language_versions_are_one_course(catalog, course_factory):
    from tests.courses.conftest import translate_course

    user = UserFactory()
    course = course_factory(title="Curso")
    english = translate_course(course, "en", "Course")
    first = enrollment_request(user=user, course=course)
    assert enrollment_request(user=user, course=english).pk == first.pk


def test_approval_policy_goes_to_focal_point_of_learner_country(course_factory, focal_point_mx):
    course = course_factory(title="Con aprobación", enrolment_policy="approval")
    mexican = UserFactory(country="MX")
    guatemalan = UserFactory(country="GT")
    mx_request = enrollment_request(user=mexican, course=course)
    gt_request = enrollment_request(user=guatemalan, course=course)
    assert mx_request.status == gt_request.status == Status.PENDING

    enrollment_approve(enrollment=mx_request, actor=focal_point_mx)
    assert Enrollment.objects.get(pk=mx_request.pk).status == Status.ACTIVE
    with pytest.raises(PermissionDenied):
        enrollment_approve(enrollment=gt_request, actor=focal_point_mx)
    with pytest.raises(PermissionDenied):
        enrollment_reject(enrollment=gt_request, actor=focal_point_mx, reason="No")
    assert Enrollment.objects.get(pk=gt_request.pk).status == Status.PENDING


def test_rejection_needs_a_reason_and_learner_may_ask_again(course_factory, secretariat):
    course = course_factory(title="Con aprobación", enrolment_policy="approval")
    user = UserFactory(country="HN")
    request = enrollment_request(user=user, course=course)
    with pytest.raises(EnrollmentError):
        enrollment_reject(enrollment=request, actor=secretariat, reason="  ")
    enrollment_reject(enrollment=request, actor=secretariat, reason="Perfil no corresponde")
    rejected = Enrollment.objects.get(pk=request.pk)
    assert rejected.status == Status.REJECTED and rejected.decision_reason == "Perfil no corresponde"
    again = enrollment_request(user=user, course=course)
    assert again.pk == request.pk and again.status == Status.PENDING


def test_invitation_only_refuses_requests_but_accepts_nominations(course_factory, focal_point_mx):
    course = course_factory(title="Por invitación", enrolment_policy="invitation")
    official = UserFactory(country="MX")
    with pytest.raises(EnrollmentError) as refused:
        enrollment_request(user=official, course=course)
    assert refused.value.code == "invitation_only"
    assert not Enrollment.objects.exists()
    nominated = enrollment_nominate(actor=focal_point_mx, user=official, course=course)
    assert nominated.status == Status.ACTIVE and nominated.nominated_by == focal_point_mx


def test_focal_point_cannot_nominate_other_countries(course_factory, focal_point_mx):
    course = course_factory(title="Abierto")
    with pytest.raises(PermissionDenied):
        enrollment_nominate(actor=focal_point_mx, user=UserFactory(country="PA"), course=course)
    assert not Enrollment.objects.exists()


def test_learner_cannot_nominate(course_factory, learner):
    with pytest.raises(PermissionDenied):
        enrollment_nominate(actor=learner, user=UserFactory(country="GT"), course=course_factory(title="Abierto"))


def test_audience_enforced(course_factory):
    network = Network.objects.get(slug="consular-protection")
    course = course_factory(title="Red", audience="network", audience_network=network)
    outsider = UserFactory(country="MX")
    with pytest.raises(EnrollmentError):
        enrollment_request(user=outsider, course=course)
    network.members.add(outsider)
    assert enrollment_request(user=outsider, course=course).status == Status.ACTIVE
    member_only = course_factory(title="Miembros", audience="member_officials")
    with pytest.raises(EnrollmentError):
        enrollment_request(user=UserFactory(country="CO"), course=member_only)


def test_enrolment_window(course_factory):
    now = timezone.now()
    later = course_factory(title="Futuro", enrolment_opens=now + datetime.timedelta(days=2))
    closed = course_factory(title="Cerrado", enrolment_opens=now - datetime.timedelta(days=9),
                            enrolment_closes=now - datetime.timedelta(days=1))
    user = UserFactory()
    for course, code in ((later, "not_open"), (closed, "closed")):
        with pytest.raises(EnrollmentError) as error:
            enrollment_request(user=user, course=course)
        assert error.value.code == code
    assert not Enrollment.objects.exists()


def test_seat_limit_and_withdrawal_frees_a_seat(course_factory):
    course = course_factory(title="Cupo", seat_limit=2)
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    first = enrollment_request(user=a, course=course)
    enrollment_request(user=b, course=course)
    with pytest.raises(EnrollmentError) as full:
        enrollment_request(user=c, course=course)
    assert full.value.code == "full"
    enrollment_withdraw(enrollment=first, user=a)
    assert enrollment_request(user=c, course=course).status == Status.ACTIVE
    assert Enrollment.objects.filter(status__in=[Status.ACTIVE, Status.COMPLETED]).count() == 2


def test_only_the_learner_withdraws(course_factory):
    enrollment = enrollment_request(user=UserFactory(), course=course_factory(title="Abierto"))
    with pytest.raises(PermissionDenied):
        enrollment_withdraw(enrollment=enrollment, user=UserFactory())


def test_emails_in_each_recipients_language(course_factory, focal_point_mx, secretariat, mailoutbox):
    course = course_factory(title="Con aprobación", enrolment_policy="approval")
    learner = UserFactory(country="MX", preferred_language="en", full_name="Ana O'Neil")
    focal_point_mx.preferred_language = "fr"
    focal_point_mx.save()
    request = enrollment_request(user=learner, course=course)
    to_learner = [m for m in mailoutbox if m.to == [learner.email]]
    to_focal = [m for m in mailoutbox if m.to == [focal_point_mx.email]]
    assert len(to_learner) == 1 and "We received your request" in to_learner[0].subject
    assert "Ana O'Neil" in to_learner[0].body  # plain text, not HTML-escaped
    assert len(to_focal) == 1 and "Ana O'Neil" in to_focal[0].body
    assert "/admin/enrolment-requests/" in to_focal[0].body

    enrollment_reject(enrollment=request, actor=secretariat, reason="Falta la carta de la institución")
    assert "Falta la carta de la institución" in mailoutbox[-1].body
    assert mailoutbox[-1].to == [learner.email]


def test_repeated_request_sends_no_second_email(course_factory, mailoutbox):
    user = UserFactory()
    course = course_factory(title="Abierto")
    enrollment_request(user=user, course=course)
    enrollment_request(user=user, course=course)
    assert len(mailoutbox) == 1
