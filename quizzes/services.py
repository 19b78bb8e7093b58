"""Grading quiz submissions on the server and recording attempts."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import LessonPage
from enrolments.models import Enrollment
from enrolments.progress import lesson_assessments_check
from quizzes.blocks import Question, quiz_questions
from quizzes.models import QuizAttempt
from quizzes.selectors import quiz_enrollment


class QuizError(ValidationError):
    """A submission the rules refuse; the message is shown to the learner as is."""


class QuizInputError(QuizError):
    """The submission does not fit the quiz (unknown quiz, question or answer; missing or ill-typed answers)."""


class QuizAttemptsExhausted(QuizError):
    """The learner has used every attempt the quiz allows."""


def _find_quiz(lesson: LessonPage, block_id: str):
    for child in lesson.body:
        if child.block_type == "quiz" and child.id == block_id:
            return child.value
    raise QuizInputError(_("This quiz is not part of the lesson any more. Reload the lesson and try again."),
                         code="unknown_quiz")


def _clean_answers(questions: list[Question], answers) -> dict[str, list[str]]:
    """Check the answers against the quiz: every question answered, only with its own answers."""
    if not isinstance(answers, dict):
        raise QuizInputError(_("Answers must map each question to the chosen answers."), code="bad_type")
    by_id = {question.id: question for question in questions}
    unknown = set(answers) - set(by_id)
    if unknown:
        raise QuizInputError(_("The answers mention a question this quiz does not have."), code="unknown_question")
    cleaned = {}
    for position, question in enumerate(questions, start=1):
        if question.id not in answers:
            raise QuizInputError(_("Answer question %(number)s.") % {"number": position}, code="missing_question")
        chosen = answers[question.id]
        if isinstance(chosen, str):
            chosen = [chosen]
        if not isinstance(chosen, list | tuple) or not all(isinstance(item, str) for item in chosen):
            raise QuizInputError(_("The answer to question %(number)s is not valid.") % {"number": position},
                                 code="bad_type")
        chosen = set(chosen)
        if not chosen <= {choice.id for choice in question.choices}:
            raise QuizInputError(_("The answer to question %(number)s is not one of its answers.")
                                 % {"number": position}, code="unknown_choice")
        if not question.multiple and len(chosen) != 1:
            raise QuizInputError(_("Choose exactly one answer to question %(number)s.") % {"number": position},
                                 code="one_answer")
        cleaned[question.id] = sorted(chosen)
    return cleaned


def _score(questions: list[Question], answers: dict[str, list[str]]) -> tuple[list[str], Decimal]:
    # A question counts only when fully right: a partly right multiple choice answer is wrong.
    correct = [q.id for q in questions if set(answers[q.id]) == q.correct_ids]
    percent = Decimal(100 * len(correct)) / Decimal(len(questions)) if questions else Decimal(0)
    return correct, percent


def quiz_submit(*, user, lesson: LessonPage, block_id: str, answers) -> QuizAttempt:
    """Grade a learner's answers to one quiz of a lesson's live content and record the attempt.

    Refuses learners without an active or completed enrolment (PermissionDenied), malformed answers
    (QuizInputError) and attempts beyond the quiz's maximum (QuizAttemptsExhausted); nothing is stored then.
    Passing the last unpassed quiz of a lesson completes the lesson.
    """
    live = LessonPage.objects.live().filter(pk=lesson.pk).first()
    if live is None:
        raise QuizInputError(_("This lesson is not published."), code="not_live")
    enrollment = quiz_enrollment(user=user, lesson=live)
    if enrollment is None:
        raise PermissionDenied(_("Only learners enrolled in the course can answer its quizzes."))
    value = _find_quiz(live, block_id)
    questions = quiz_questions(value)
    cleaned = _clean_answers(questions, answers)
    correct, percent = _score(questions, cleaned)
    # Compared unrounded: 2 of 3 (66.67%) does not reach a pass mark of 67.
    passed = bool(questions) and percent >= value["pass_mark"]
    max_attempts = value["max_attempts"] or 0

    with transaction.atomic():
        # One learner's submissions are numbered one at a time, so two tabs cannot both take the last attempt.
        Enrollment.objects.select_for_update().filter(pk=enrollment.pk).first()
        attempts = QuizAttempt.objects.filter(enrollment=enrollment, lesson_key=live.translation_key,
                                              block_id=block_id)
        used = attempts.count()
        if max_attempts and used >= max_attempts:
            raise QuizAttemptsExhausted(
                _("You have used all the attempts this quiz allows (%(count)s).") % {"count": max_attempts},
                code="exhausted",
            )
        attempt = QuizAttempt(
            enrollment=enrollment, lesson_key=live.translation_key, block_id=block_id, number=used + 1,
            score_percent=percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), passed=passed,
            answers=cleaned, correct_questions=correct,
        )
        attempt.full_clean()
        attempt.save()
        if passed:
            lesson_assessments_check(enrollment=enrollment, lesson=live)
    return attempt
