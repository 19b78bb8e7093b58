"""Writes on enrolments: requests, approvals, nominations, withdrawals. Seats are counted under a lock."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.participation import page_versions_lock, participant_snapshot
from courses.models import CoursePage, EnrolmentPolicy
from courses.selectors import course_visible_to
from enrolments import notifications
from enrolments.models import Enrollment
from enrolments.selectors import course_seats_left

Status = Enrollment.Status
OPEN_STATUSES = (Status.PENDING, Status.ACTIVE, Status.COMPLETED)


class EnrollmentError(ValidationError):
    """A request the rules refuse; the message is shown to the user as is."""


def enrollment_window_error(course: CoursePage, now) -> EnrollmentError | None:
    """Why the course's enrolment window refuses enrolments at `now`, or None when it is open."""
    if course.enrolment_opens and now < course.enrolment_opens:
        return EnrollmentError(_("Enrolment for this course has not opened yet."), code="not_open")
    if course.enrolment_closes and now > course.enrolment_closes:
        return EnrollmentError(_("Enrolment for this course has closed."), code="closed")
    return None


def _check_window(course: CoursePage, now) -> None:
    if error := enrollment_window_error(course, now):
        raise error


def _check_seat(course: CoursePage) -> None:
    if course_seats_left(course) == 0:
        raise EnrollmentError(_("This course is full."), code="full")


def _activate(enrollment: Enrollment, now) -> None:
    enrollment.status = Status.ACTIVE
    enrollment.activated_at = enrollment.activated_at or now


@transaction.atomic
def enrollment_request(*, user: User, course: CoursePage) -> Enrollment:
    """A learner asks to take a course: active at once (open policy) or pending approval.

    Returns the existing enrolment unchanged when the learner already has an open one.
    """
    course = page_versions_lock(course)
    if not course.live or not course_visible_to(user, course):
        raise EnrollmentError(_("This course is not available to you."), code="not_available")
    existing = Enrollment.objects.select_for_update().filter(user=user, course_key=course.translation_key).first()
    if existing and existing.status in OPEN_STATUSES:
        return existing
    if course.enrolment_policy == EnrolmentPolicy.INVITATION:
        raise EnrollmentError(_("This course is by invitation only."), code="invitation_only")
    now = timezone.now()
    _check_window(course, now)
    enrollment = existing or Enrollment(user=user, course_key=course.translation_key)
    enrollment.course = course
    enrollment.ended_at = None
    enrollment.decided_by = None
    enrollment.decision_reason = ""
    participant_snapshot(enrollment, user)
    if course.enrolment_policy == EnrolmentPolicy.OPEN:
        _check_seat(course)
        _activate(enrollment, now)
    else:
        enrollment.status = Status.PENDING
    enrollment.full_clean()
    enrollment.save()
    notifications.enrollment_status_email(enrollment)
    if enrollment.status == Status.PENDING:
        notifications.focal_points_new_request_email(enrollment)
    return enrollment


def can_decide(actor: User, enrollment: Enrollment) -> bool:
    """The Secretariat decides for anyone; a focal point only for officials of their own country."""
    if actor.is_secretariat:
        return True
    return actor.is_focal_point and actor.focal_point_country == enrollment.country


@transaction.atomic
def enrollment_approve(*, enrollment: Enrollment, actor: User, reason: str = "") -> Enrollment:
    """Approve a pending request (seat permitting)."""
    if not can_decide(actor, enrollment):
        raise PermissionDenied
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Status.PENDING:
        raise EnrollmentError(_("Only pending requests can be approved."), code="not_pending")
    course = page_versions_lock(enrollment.course)
    _check_seat(course)
    _activate(enrollment, timezone.now())
    enrollment.decided_by = actor
    enrollment.decision_reason = reason
    enrollment.save()
    notifications.enrollment_status_email(enrollment)
    return enrollment


@transaction.atomic
def enrollment_reject(*, enrollment: Enrollment, actor: User, reason: str) -> Enrollment:
    """Reject a pending request; the learner is told the reason."""
    if not can_decide(actor, enrollment):
        raise PermissionDenied
    if not reason.strip():
        raise EnrollmentError(_("Give the learner a reason for the rejection."), code="reason_required")
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Status.PENDING:
        raise EnrollmentError(_("Only pending requests can be rejected."), code="not_pending")
    enrollment.status = Status.REJECTED
    enrollment.ended_at = timezone.now()
    enrollment.decided_by = actor
    enrollment.decision_reason = reason.strip()
    enrollment.save()
    notifications.enrollment_status_email(enrollment)
    return enrollment


@transaction.atomic
def enrollment_nominate(*, actor: User, user: User, course: CoursePage, notify: bool = True) -> Enrollment:
    """A focal point (own country) or the Secretariat enrols an official directly, whatever the policy.

    `notify=False` when the caller sends its own message (bulk invitations of new accounts).
    """
    if not (actor.is_secretariat or (actor.is_focal_point and actor.focal_point_country == user.country)):
        raise PermissionDenied
    course = page_versions_lock(course)
    if not course.live or not course_visible_to(user, course):
        raise EnrollmentError(_("This course is not available to this official."), code="not_available")
    existing = Enrollment.objects.select_for_update().filter(user=user, course_key=course.translation_key).first()
    if existing and existing.status in (Status.ACTIVE, Status.COMPLETED):
        return existing
    now = timezone.now()
    _check_window(course, now)
    _check_seat(course)
    enrollment = existing or Enrollment(user=user, course_key=course.translation_key)
    enrollment.course = course
    enrollment.nominated_by = actor
    enrollment.decided_by = actor
    enrollment.ended_at = None
    participant_snapshot(enrollment, user)
    _activate(enrollment, now)
    enrollment.full_clean()
    enrollment.save()
    if notify:
        notifications.enrollment_status_email(enrollment)
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment, user: User) -> Enrollment:
    """The learner leaves a course (pending or active); the seat frees up. Progress is kept."""
    if enrollment.user_id != user.pk:
        raise PermissionDenied
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status not in (Status.PENDING, Status.ACTIVE):
        raise EnrollmentError(_("Only pending or active enrolments can be withdrawn."), code="not_withdrawable")
    enrollment.status = Status.WITHDRAWN
    enrollment.ended_at = timezone.now()
    enrollment.save()
    return enrollment
