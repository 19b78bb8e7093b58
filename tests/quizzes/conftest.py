"""Lessons with quizzes, and learners enrolled in their course."""

import pytest

from courses.models import LessonPage
from enrolments.models import Enrollment
from tests.courses.conftest import catalog, make_course, publish  # noqa: F401

QUIZ_ID = "quiz-a"


def item(item_id: str, value: dict) -> dict:
    """A ListBlock item in the stored format, with an id the tests can answer with."""
    return {"type": "item", "id": item_id, "value": value}


def choice(choice_id: str, text: str, correct: bool = False, feedback: str = "") -> dict:
    return item(choice_id, {"text": text, "correct": correct, "feedback": feedback})


def question(question_id: str, kind: str, text: str, choices: list, feedback: str = "") -> dict:
    return item(question_id, {"kind": kind, "text": text, "choices": choices,
                              "feedback": f"<p>{feedback}</p>" if feedback else ""})


def standard_questions() -> list:
    return [
        question("q1", "single", "¿Qué documento acredita la identidad?", [
            choice("q1a", "Pasaporte", True, "FEEDBACK-CHOICE-PASAPORTE"),
            choice("q1b", "Boleto de autobús", False, "FEEDBACK-CHOICE-BOLETO"),
            choice("q1c", "Recibo de luz"),
        ], feedback="FEEDBACK-QUESTION-ONE"),
        question("q2", "multiple", "¿Cuáles son indicadores de trata?", [
            choice("q2a", "Documentos retenidos por un tercero", True),
            choice("q2b", "Deudas impagables con el reclutador", True),
            choice("q2c", "Viaja con su familia"),
        ], feedback="FEEDBACK-QUESTION-TWO"),
        question("q3", "true_false", "La persona solicitante de asilo puede ser devuelta sin entrevista.", [
            choice("q3a", "Verdadero"),
            choice("q3b", "Falso", True),
        ], feedback="FEEDBACK-QUESTION-THREE"),
    ]


def quiz_raw(questions=None, **settings) -> dict:
    value = {"title": "Evaluación del módulo", "intro": "", "questions": questions or standard_questions(),
             "pass_mark": 70, "max_attempts": 3, "shuffle_questions": False, "shuffle_choices": False}
    value.update(settings)
    return value


def lesson_with_quizzes(catalog, *quizzes, title="Curso evaluado") -> LessonPage:  # noqa: F811
    """A published course whose only lesson holds text and the given quizzes ((block id, raw value) pairs)."""
    course = make_course(catalog, title=title, lessons=1)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.body = [{"type": "paragraph", "value": "<p>Lea el protocolo.</p>"},
                   *({"type": "quiz", "id": block_id, "value": value} for block_id, value in quizzes)]
    publish(lesson)
    return LessonPage.objects.get(pk=lesson.pk)


@pytest.fixture
def quiz_lesson(catalog):  # noqa: F811
    return lesson_with_quizzes(catalog, (QUIZ_ID, quiz_raw()))


def enrol(user, lesson: LessonPage, status: str = "active") -> Enrollment:
    course = lesson.course
    return Enrollment.objects.create(user=user, course_key=course.translation_key, course=course, status=status)


@pytest.fixture
def enrolment(learner, quiz_lesson):
    return enrol(learner, quiz_lesson)


ALL_RIGHT = {"q1": ["q1a"], "q2": ["q2a", "q2b"], "q3": ["q3b"]}


@pytest.fixture(autouse=True)
def source_language_strings(settings):
    """These tests read the quiz's messages in their source (English) wording; without the project catalogue
    gettext returns them as written. tests/test_translations.py checks the Spanish and French catalogues."""
    settings.LOCALE_PATHS = []
