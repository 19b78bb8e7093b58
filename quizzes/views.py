"""Quiz submission: parse the answers, grade them with the service, redirect back to the lesson."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import LessonPage
from courses.selectors import course_visible_to
from quizzes.services import QuizAttemptsExhausted, QuizInputError, quiz_submit

ANSWER_PREFIX = "q-"


def _parse_form(post) -> tuple[str, str, dict]:
    answers = {}
    for key in post:
        if key.startswith(ANSWER_PREFIX):
            # Multiple choice questions carry an empty hidden value so that "none ticked" still answers them.
            answers[key[len(ANSWER_PREFIX):]] = [item for item in post.getlist(key) if item]
    return post.get("lesson", ""), post.get("block", ""), answers


def _parse_json(body: bytes) -> tuple[object, object, object]:
    try:
        data = json.loads(body)
    # RecursionError: deeply nested arrays (a few KB of "[") exhaust the parser's stack; not a server error.
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise QuizInputError(_("The submission is not valid JSON."), code="bad_json") from error
    if not isinstance(data, dict):
        raise QuizInputError(_("The submission must be a JSON object."), code="bad_json")
    return data.get("lesson"), data.get("block"), data.get("answers")


def _lesson_id(raw) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise QuizInputError(_("The submission does not name a lesson."), code="no_lesson")
    try:
        return int(raw)
    except ValueError as error:
        raise QuizInputError(_("The submission does not name a lesson."), code="no_lesson") from error


def _bad_request(request, error: QuizInputError, *, wants_json: bool, lesson=None):
    message = error.messages[0]
    if wants_json:
        return JsonResponse({"error": message}, status=400)
    return render(request, "quizzes/submit_error.html", {"message": message, "lesson": lesson}, status=400)


@require_POST
@login_required
def submit(request):
    """Grade one quiz of a lesson (form or JSON POST) and return to the lesson to show the result."""
    wants_json = request.content_type == "application/json"
    lesson = None
    try:
        if wants_json:
            raw_lesson, block_id, answers = _parse_json(request.body)
        else:
            raw_lesson, block_id, answers = _parse_form(request.POST)
        lesson_pk = _lesson_id(raw_lesson)
        if not isinstance(block_id, str) or not block_id:
            raise QuizInputError(_("The submission does not name a quiz."), code="no_quiz")
        lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_pk)
        if not course_visible_to(request.user, lesson.course):
            raise Http404
        attempt = quiz_submit(user=request.user, lesson=lesson, block_id=block_id, answers=answers)
    except QuizInputError as error:
        return _bad_request(request, error, wants_json=wants_json, lesson=lesson)
    except QuizAttemptsExhausted as error:
        if wants_json:
            return JsonResponse({"error": error.messages[0]}, status=409)
        messages.error(request, error.messages[0])
        return redirect(f"{lesson.get_url(request)}#quiz-{block_id}")
    if wants_json:
        return JsonResponse({"attempt": attempt.number, "score_percent": str(attempt.score_percent),
                             "passed": attempt.passed})
    return redirect(f"{lesson.get_url(request)}#quiz-{block_id}")
