"""Reads for quizzes: a learner's attempts, the best one, and what the quiz block shows them."""

from dataclasses import dataclass, field

from enrolments.models import Enrollment
from quizzes.blocks import Choice, Question, quiz_questions, stable_shuffle
from quizzes.models import QuizAttempt

# Only these enrolments may answer quizzes (and so complete assessed lessons).
STUDY_STATUSES = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)
UNKNOWN = object()  # "the caller has not looked the enrolment up", as opposed to None: "there is none"


def quiz_enrollment(*, user, lesson) -> Enrollment | None:
    """The enrolment through which `user` may answer the quizzes of `lesson`, if any."""
    if not user.is_authenticated:
        return None
    return (Enrollment.objects.filter(user=user, course_key=lesson.course.translation_key,
                                      status__in=STUDY_STATUSES).first())


def quiz_attempts(*, enrollment: Enrollment, lesson_key, block_id: str) -> list[QuizAttempt]:
    """Every attempt of one quiz by one enrolment, oldest first (one query)."""
    return list(QuizAttempt.objects.filter(enrollment=enrollment, lesson_key=lesson_key, block_id=block_id)
                .order_by("number"))


def quiz_best_attempt(*, enrollment: Enrollment, lesson_key, block_id: str) -> QuizAttempt | None:
    """The attempt that counts: the highest score, the earliest one on a tie."""
    return (QuizAttempt.objects.filter(enrollment=enrollment, lesson_key=lesson_key, block_id=block_id)
            .order_by("-score_percent", "number").first())


def _best(attempts: list[QuizAttempt]) -> QuizAttempt | None:
    return min(attempts, key=lambda a: (-a.score_percent, a.number)) if attempts else None


def lesson_quiz_ids(lesson) -> list[str]:
    """Block ids of the quizzes on a lesson (a lesson with any is assessed)."""
    return [child.id for child in lesson.body if child.block_type == "quiz"]


def lesson_quizzes_passed(*, enrollment: Enrollment, lesson) -> bool:
    """Whether the enrolment has a passing attempt at every quiz of the lesson (False when it has none)."""
    quiz_ids = set(lesson_quiz_ids(lesson))
    if not quiz_ids:
        return False
    passed = set(QuizAttempt.objects.filter(enrollment=enrollment, lesson_key=lesson.translation_key,
                                            block_id__in=quiz_ids, passed=True)
                 .values_list("block_id", flat=True).distinct())
    return passed == quiz_ids


@dataclass(frozen=True)
class FormChoice:
    """What the form may show of an answer: never whether it is correct."""

    id: str
    text: str


@dataclass(frozen=True)
class FormQuestion:
    id: str
    text: str
    multiple: bool
    choices: tuple[FormChoice, ...]


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    correct: bool
    chosen: tuple[Choice, ...]


@dataclass
class QuizDisplay:
    """Everything the quiz template needs; answers appear only in `results`, i.e. after a submission."""

    block_id: str
    pass_mark: int
    max_attempts: int
    enrolled: bool = False
    questions: list[FormQuestion] = field(default_factory=list)
    attempts_used: int = 0
    latest: QuizAttempt | None = None
    best: QuizAttempt | None = None
    results: list[QuestionResult] = field(default_factory=list)

    @property
    def unlimited(self) -> bool:
        return not self.max_attempts

    @property
    def attempts_left(self) -> int | None:
        return None if self.unlimited else max(0, self.max_attempts - self.attempts_used)

    @property
    def can_submit(self) -> bool:
        return self.enrolled and bool(self.block_id) and (self.unlimited or self.attempts_left > 0)


def _enrollment_for_display(*, request, lesson, enrollment) -> Enrollment | None:
    if enrollment is not UNKNOWN:
        return enrollment if isinstance(enrollment, Enrollment) and enrollment.status in STUDY_STATUSES else None
    if request is None or lesson is None:
        return None
    # Several quizzes on one lesson share one enrolment lookup per request.
    cache = request.__dict__.setdefault("_quiz_enrollments", {})
    if lesson.pk not in cache:
        cache[lesson.pk] = quiz_enrollment(user=request.user, lesson=lesson)
    return cache[lesson.pk]


def _form_questions(questions: list[Question], *, value, seed: str) -> list[FormQuestion]:
    if value["shuffle_questions"]:
        questions = stable_shuffle(questions, seed)
    form = []
    for question in questions:
        choices = list(question.choices)
        if value["shuffle_choices"]:
            choices = stable_shuffle(choices, f"{seed}:{question.id}")
        form.append(FormQuestion(id=question.id, text=question.text, multiple=question.multiple,
                                 choices=tuple(FormChoice(id=c.id, text=c.text) for c in choices)))
    return form


def _results(questions: list[Question], attempt: QuizAttempt) -> list[QuestionResult]:
    correct = set(attempt.correct_questions)
    results = []
    for question in questions:
        chosen = set(attempt.answers.get(question.id, ()))
        results.append(QuestionResult(question=question, correct=question.id in correct,
                                      chosen=tuple(c for c in question.choices if c.id in chosen)))
    return results


def quiz_display(*, value, block_id: str, lesson, request, enrollment=UNKNOWN) -> QuizDisplay:
    """What a quiz block shows the current visitor: the form, and their latest result with its feedback."""
    display = QuizDisplay(block_id=block_id, pass_mark=value["pass_mark"], max_attempts=value["max_attempts"] or 0)
    questions = quiz_questions(value)
    enrollment = _enrollment_for_display(request=request, lesson=lesson, enrollment=enrollment)
    attempts = []
    if enrollment is not None and block_id:
        display.enrolled = True
        attempts = quiz_attempts(enrollment=enrollment, lesson_key=lesson.translation_key, block_id=block_id)
    display.attempts_used = len(attempts)
    display.latest = attempts[-1] if attempts else None
    display.best = _best(attempts)
    if display.latest is not None:
        display.results = _results(questions, display.latest)
    # Seeded per learner and attempt: a reload shows the same order, the next attempt a new one.
    user_pk = getattr(getattr(request, "user", None), "pk", None) or 0
    display.questions = _form_questions(questions, value=value, seed=f"{user_pk}:{block_id}:{len(attempts) + 1}")
    return display
