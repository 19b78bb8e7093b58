"""Lesson progress and course completion."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from enrolments.models import Enrollment, LessonProgress
from metrics.services import activity_record

LAST_VISIT_PRECISION = timedelta(minutes=1)


def lesson_visit(*, enrollment: Enrollment, lesson) -> LessonProgress:
    """Record a visit: first and last visit times; a not-started lesson becomes in progress."""
    now = timezone.now()
    progress, created = LessonProgress.objects.get_or_create(
        enrollment=enrollment, lesson_key=lesson.translation_key,
        defaults={"first_visit_at": now, "last_visit_at": now},
    )
    # The last visit to the minute: a learner paging back and forth writes at most once a minute per lesson.
    if not created and now - progress.last_visit_at >= LAST_VISIT_PRECISION:
        LessonProgress.objects.filter(pk=progress.pk).update(last_visit_at=now)
    activity_record(enrollment_id=enrollment.pk, moment=now)
    return progress


@transaction.atomic
def lesson_mark_complete(*, enrollment: Enrollment, lesson) -> LessonProgress:
    """Mark a lesson complete (idempotent); completes the course when its rules are met."""
    now = timezone.now()
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        enrollment=enrollment, lesson_key=lesson.translation_key,
        defaults={"first_visit_at": now, "last_visit_at": now},
    )
    if progress.status != LessonProgress.Status.COMPLETED:
        progress.status = LessonProgress.Status.COMPLETED
        progress.completed_at = now
        progress.last_visit_at = now
        progress.save(update_fields=["status", "completed_at", "last_visit_at"])
    activity_record(enrollment_id=enrollment.pk, moment=now)
    course_completion_check(enrollment=enrollment)
    return progress


def lesson_assessments_check(*, enrollment: Enrollment, lesson) -> bool:
    """Complete the lesson when every quiz on it is passed and every required H5P activity completed."""
    from h5p.selectors import h5p_activities_completed, lesson_activities
    from quizzes.selectors import lesson_quiz_ids, lesson_quizzes_passed

    has_quizzes = bool(lesson_quiz_ids(lesson))
    has_required_h5p = any(activity.required for activity in lesson_activities(lesson))
    if not (has_quizzes or has_required_h5p):
        return False
    if has_quizzes and not lesson_quizzes_passed(enrollment=enrollment, lesson=lesson):
        return False
    if not h5p_activities_completed(enrollment=enrollment, lesson=lesson):
        return False
    lesson_mark_complete(enrollment=enrollment, lesson=lesson)
    return True


def required_lesson_keys(enrollment: Enrollment) -> set:
    """Translation keys of the course's required lessons (any language version of a lesson counts)."""
    from courses.models import LessonPage

    if enrollment.course is None:
        return set()
    return set(LessonPage.objects.live().descendant_of(enrollment.course)
               .filter(Q(required=True) | Q(final_assessment=True))
               .values_list("translation_key", flat=True))


def final_assessment_passed(enrollment: Enrollment) -> bool:
    """True when every quiz of the course's final-assessment lessons has a passed, server-graded attempt.

    Lesson progress may also come from client-reported scores (H5P); the final assessment never does.
    """
    from courses.models import LessonPage
    from quizzes.models import QuizAttempt

    for lesson in LessonPage.objects.live().descendant_of(enrollment.course).filter(final_assessment=True):
        quiz_ids = {block.id for block in lesson.body if block.block_type == "quiz"}
        passed = set(QuizAttempt.objects.filter(enrollment=enrollment, lesson_key=lesson.translation_key,
                                                block_id__in=quiz_ids, passed=True)
                     .values_list("block_id", flat=True))
        if not quiz_ids or passed != quiz_ids:
            return False
    return True


@transaction.atomic
def course_completion_check(*, enrollment: Enrollment) -> bool:
    """Complete the enrolment when every required lesson is complete; True only the one time it completes.

    Lessons with an assessment are completed by passing it (the quizzes app marks them), so "every required
    lesson complete" covers the final assessment too.
    """
    from enrolments.events import course_completed

    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.ACTIVE:
        return False
    required = required_lesson_keys(enrollment)
    done = set(LessonProgress.objects.filter(enrollment=enrollment, status=LessonProgress.Status.COMPLETED)
               .values_list("lesson_key", flat=True))
    if not required or not required <= done or not final_assessment_passed(enrollment):
        return False
    enrollment.status = Enrollment.Status.COMPLETED
    enrollment.completed_at = timezone.now()
    enrollment.save(update_fields=["status", "completed_at"])
    transaction.on_commit(lambda: course_completed(enrollment_id=enrollment.pk))
    return True
