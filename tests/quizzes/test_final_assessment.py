"""A course's final assessment: completion needs its quizzes passed on the server, whatever else says so."""

import pytest
from django.core.exceptions import ValidationError

from courses.models import LessonPage
from enrolments.models import Enrollment, LessonProgress
from enrolments.progress import lesson_mark_complete
from quizzes.services import quiz_submit
from tests.courses.conftest import make_course, publish
from tests.quizzes.conftest import ALL_RIGHT, QUIZ_ID, enrol, quiz_raw

pytestmark = pytest.mark.django_db


def course_with_final(catalog, *, final_required: bool = False):
    """A course with a text lesson and a last lesson holding a quiz, marked as the final assessment."""
    course = make_course(catalog, title="Curso con evaluación final", lessons=2)
    text_lesson, final = LessonPage.objects.descendant_of(course).order_by("path")
    final.body = [{"type": "quiz", "id": QUIZ_ID, "value": quiz_raw()}]
    final.final_assessment = True
    final.required = final_required
    publish(final)
    return text_lesson, LessonPage.objects.get(pk=final.pk)


def test_final_assessment_lesson_must_hold_a_quiz(catalog):
    course = make_course(catalog, title="Curso", lessons=1)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.final_assessment = True
    with pytest.raises(ValidationError) as error:
        lesson.full_clean()
    assert "final_assessment" in error.value.message_dict


@pytest.mark.parametrize("final_required", [False, True])
def test_course_completes_only_after_the_final_assessment_is_passed(catalog, learner, final_required):
    text_lesson, final = course_with_final(catalog, final_required=final_required)
    enrollment = enrol(learner, final)

    lesson_mark_complete(enrollment=enrollment, lesson=text_lesson)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE  # not "required" yet the final assessment counts

    failed = quiz_submit(user=learner, lesson=final, block_id=QUIZ_ID, answers={**ALL_RIGHT, "q1": ["q1b"]})
    assert not failed.passed
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE

    quiz_submit(user=learner, lesson=final, block_id=QUIZ_ID, answers=ALL_RIGHT)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED and enrollment.completed_at is not None


def test_lesson_progress_without_a_server_graded_pass_does_not_complete(catalog, learner):
    """Progress reported another way (e.g. a client-side H5P score) cannot stand in for the final assessment."""
    text_lesson, final = course_with_final(catalog)
    enrollment = enrol(learner, final)
    lesson_mark_complete(enrollment=enrollment, lesson=text_lesson)
    lesson_mark_complete(enrollment=enrollment, lesson=final)
    assert LessonProgress.objects.filter(enrollment=enrollment, status="completed").count() == 2
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.completed_at is None
