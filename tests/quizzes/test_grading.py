"""Server-side grading: each question kind, pass marks, attempt limits, the best attempt and lesson completion."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from enrolments.models import LessonProgress
from quizzes.models import QuizAttempt
from quizzes.selectors import quiz_best_attempt
from quizzes.services import QuizAttemptsExhausted, QuizInputError, quiz_submit
from tests.quizzes.conftest import (
    ALL_RIGHT,
    QUIZ_ID,
    choice,
    enrol,
    lesson_with_quizzes,
    question,
    quiz_raw,
)

pytestmark = pytest.mark.django_db


def submit(user, lesson, answers, block_id=QUIZ_ID):
    return quiz_submit(user=user, lesson=lesson, block_id=block_id, answers=answers)


def test_all_right_scores_100_and_passes(learner, quiz_lesson, enrolment):
    attempt = submit(learner, quiz_lesson, ALL_RIGHT)
    assert (attempt.number, attempt.score_percent, attempt.passed) == (1, Decimal("100.00"), True)
    assert attempt.enrollment == enrolment
    assert attempt.lesson_key == quiz_lesson.translation_key and attempt.block_id == QUIZ_ID
    assert attempt.answers == ALL_RIGHT
    assert sorted(attempt.correct_questions) == ["q1", "q2", "q3"]


@pytest.mark.parametrize(("answers", "correct"), [
    ({"q1": ["q1b"]}, ["q2", "q3"]),  # single choice, wrong answer
    ({"q1": "q1a"}, ["q1", "q2", "q3"]),  # a bare string is one answer
    ({"q2": ["q2a"]}, ["q1", "q3"]),  # multiple choice, partly right = wrong
    ({"q2": ["q2a", "q2b", "q2c"]}, ["q1", "q3"]),  # multiple choice, one too many = wrong
    ({"q2": []}, ["q1", "q3"]),  # multiple choice, nothing ticked = wrong
    ({"q3": ["q3a"]}, ["q1", "q2"]),  # true/false, wrong
])
def test_each_kind_is_graded(learner, quiz_lesson, enrolment, answers, correct):
    attempt = submit(learner, quiz_lesson, {**ALL_RIGHT, **answers})
    assert sorted(attempt.correct_questions) == correct
    assert attempt.score_percent == (Decimal(100 * len(correct)) / 3).quantize(Decimal("0.01"))
    assert attempt.passed is (len(correct) == 3)


@pytest.mark.parametrize(("pass_mark", "passed"), [(66, True), (67, False), (50, True)])
def test_pass_mark_boundary(learner, catalog, pass_mark, passed):
    lesson = lesson_with_quizzes(catalog, (QUIZ_ID, quiz_raw(pass_mark=pass_mark)))
    enrol(learner, lesson)
    attempt = submit(learner, lesson, {**ALL_RIGHT, "q1": ["q1c"]})  # 2 of 3: 66.67 %
    assert attempt.score_percent == Decimal("66.67")
    assert attempt.passed is passed


def test_exact_pass_mark_passes(learner, catalog):
    questions = [question(f"q{n}", "true_false", f"Afirmación {n}", [choice(f"q{n}t", "Verdadero", True),
                                                                     choice(f"q{n}f", "Falso")]) for n in range(4)]
    lesson = lesson_with_quizzes(catalog, (QUIZ_ID, quiz_raw(questions, pass_mark=75)))
    enrol(learner, lesson)
    answers = {f"q{n}": [f"q{n}t"] for n in range(4)}
    assert submit(learner, lesson, {**answers, "q0": ["q0f"]}).passed is True  # exactly 75 %
    assert submit(learner, lesson, {**answers, "q0": ["q0f"], "q1": ["q1f"]}).passed is False  # 50 %


def test_fourth_of_three_attempts_is_refused_and_nothing_stored(learner, quiz_lesson, enrolment):
    for _ in range(3):
        submit(learner, quiz_lesson, {**ALL_RIGHT, "q1": ["q1b"]})
    with pytest.raises(QuizAttemptsExhausted, match=r"allows \(3\)"):
        submit(learner, quiz_lesson, ALL_RIGHT)
    assert list(QuizAttempt.objects.values_list("number", flat=True).order_by("number")) == [1, 2, 3]


def test_zero_means_unlimited_attempts(learner, catalog):
    lesson = lesson_with_quizzes(catalog, (QUIZ_ID, quiz_raw(max_attempts=0)))
    enrol(learner, lesson)
    for _ in range(5):
        submit(learner, lesson, {**ALL_RIGHT, "q1": ["q1b"]})
    assert QuizAttempt.objects.count() == 5


def test_best_attempt_counts(learner, quiz_lesson, enrolment):
    submit(learner, quiz_lesson, {**ALL_RIGHT, "q1": ["q1b"]})  # 66.67
    second = submit(learner, quiz_lesson, ALL_RIGHT)  # 100
    third = submit(learner, quiz_lesson, {**ALL_RIGHT, "q1": ["q1b"], "q2": ["q2c"]})  # 33.33
    best = quiz_best_attempt(enrollment=enrolment, lesson_key=quiz_lesson.translation_key, block_id=QUIZ_ID)
    assert best == second and third.number == 3
    # A later failure does not undo the completion the pass earned.
    assert LessonProgress.objects.get(enrollment=enrolment).status == LessonProgress.Status.COMPLETED


def test_passing_completes_the_lesson(learner, quiz_lesson, enrolment):
    submit(learner, quiz_lesson, {**ALL_RIGHT, "q2": ["q2a"]})
    assert not LessonProgress.objects.filter(enrollment=enrolment, status="completed").exists()
    submit(learner, quiz_lesson, ALL_RIGHT)
    progress = LessonProgress.objects.get(enrollment=enrolment, lesson_key=quiz_lesson.translation_key)
    assert progress.status == LessonProgress.Status.COMPLETED


def test_lesson_with_two_quizzes_completes_when_both_are_passed(learner, catalog):
    other = [question("x1", "single", "¿Capital de Honduras?", [choice("x1a", "Tegucigalpa", True),
                                                                 choice("x1b", "San Pedro Sula")])]
    lesson = lesson_with_quizzes(catalog, (QUIZ_ID, quiz_raw()), ("quiz-b", quiz_raw(other)))
    enrollment = enrol(learner, lesson)
    submit(learner, lesson, ALL_RIGHT)
    assert not LessonProgress.objects.filter(enrollment=enrollment, status="completed").exists()
    submit(learner, lesson, {"x1": ["x1a"]}, block_id="quiz-b")
    assert LessonProgress.objects.get(enrollment=enrollment).status == LessonProgress.Status.COMPLETED


def test_completed_enrolment_may_still_answer(learner, quiz_lesson):
    enrol(learner, quiz_lesson, status="completed")
    assert submit(learner, quiz_lesson, ALL_RIGHT).passed


@pytest.mark.parametrize("status", [None, "pending", "withdrawn", "rejected"])
def test_only_active_or_completed_enrolments_may_answer(learner, quiz_lesson, status):
    if status:
        enrol(learner, quiz_lesson, status=status)
    with pytest.raises(PermissionDenied):
        submit(learner, quiz_lesson, ALL_RIGHT)
    assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize(("answers", "message"), [
    ({"q1": ["q1a"], "q2": ["q2a"]}, "Answer question 3"),
    ({**ALL_RIGHT, "q9": ["q1a"]}, "question this quiz does not have"),
    ({**ALL_RIGHT, "q1": ["q2a"]}, "not one of its answers"),
    ({**ALL_RIGHT, "q1": ["q1a", "q1b"]}, "exactly one answer"),
    ({**ALL_RIGHT, "q3": []}, "exactly one answer"),
    ({**ALL_RIGHT, "q1": [1]}, "not valid"),
    ({**ALL_RIGHT, "q1": {"id": "q1a"}}, "not valid"),
    (["q1a"], "map each question"),
])
def test_malformed_answers_are_refused_and_nothing_stored(learner, quiz_lesson, enrolment, answers, message):
    with pytest.raises(QuizInputError, match=message):
        submit(learner, quiz_lesson, answers)
    assert not QuizAttempt.objects.exists()


def test_unknown_quiz_is_refused(learner, quiz_lesson, enrolment):
    with pytest.raises(QuizInputError, match="not part of the lesson"):
        submit(learner, quiz_lesson, ALL_RIGHT, block_id="no-such-block")


def test_grading_uses_the_live_content_not_a_draft(learner, quiz_lesson, enrolment):
    draft = quiz_lesson.body.raw_data
    draft[1]["value"]["questions"][0]["value"]["choices"][1]["value"]["correct"] = True
    draft[1]["value"]["questions"][0]["value"]["choices"][0]["value"]["correct"] = False
    quiz_lesson.body = draft
    quiz_lesson.save_revision()  # a draft: not published
    attempt = submit(learner, quiz_lesson, ALL_RIGHT)
    assert attempt.passed


def test_attempts_in_any_language_count_for_the_same_quiz(learner, catalog):
    from courses.models import LessonPage
    from tests.courses.conftest import translate_course

    lesson = lesson_with_quizzes(catalog, (QUIZ_ID, quiz_raw(max_attempts=2)))
    enrollment = enrol(learner, lesson)
    english_course = translate_course(lesson.course, "en", title="Assessed course")
    english = LessonPage.objects.descendant_of(english_course).get()
    assert [child.id for child in english.body if child.block_type == "quiz"] == [QUIZ_ID]
    submit(learner, lesson, {**ALL_RIGHT, "q1": ["q1b"]})
    attempt = submit(learner, english, ALL_RIGHT)  # same question and answer ids in every language
    assert attempt.number == 2 and attempt.passed and attempt.enrollment == enrollment
    with pytest.raises(QuizAttemptsExhausted):
        submit(learner, lesson, ALL_RIGHT)
