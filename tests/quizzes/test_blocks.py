"""The quiz block refuses questions whose right answers do not fit their kind."""

import pytest
from django.core.exceptions import ValidationError

from quizzes.blocks import QuizBlock, QuizQuestionBlock
from tests.quizzes.conftest import choice, question, quiz_raw


def clean_question(kind, *correct_flags):
    block = QuizQuestionBlock()
    raw = question("q", kind, "¿Pregunta?", [choice(f"c{i}", f"Respuesta {i}", flag)
                                             for i, flag in enumerate(correct_flags)])["value"]
    return block.clean(block.to_python(raw))


def error_text(excinfo) -> str:
    return str(excinfo.value.block_errors["choices"].non_block_errors.as_data()[0].messages[0])


@pytest.mark.parametrize(("kind", "flags", "message"), [
    ("single", (False, False), "exactly one answer marked correct (0 marked)"),
    ("single", (True, True, False), "exactly one answer marked correct (2 marked)"),
    ("multiple", (False, False, False), "at least one answer marked correct"),
    ("true_false", (True, False, False), "exactly two answers, one of them marked correct"),
    ("true_false", (True, True), "exactly two answers, one of them marked correct"),
    ("true_false", (False, False), "exactly two answers, one of them marked correct"),
    ("single", (True,), "at least two answers"),
])
def test_invalid_questions_are_refused_with_a_clear_message(kind, flags, message):
    with pytest.raises(ValidationError) as excinfo:
        clean_question(kind, *flags)
    assert message in error_text(excinfo)


@pytest.mark.parametrize(("kind", "flags"), [
    ("single", (True, False, False)),
    ("multiple", (True, True, False)),
    ("multiple", (True, False)),
    ("true_false", (False, True)),
])
def test_valid_questions_pass(kind, flags):
    assert clean_question(kind, *flags)["kind"] == kind


def test_quiz_block_validates_its_questions_and_defaults():
    block = QuizBlock()
    bad = quiz_raw([question("q", "single", "¿?", [choice("a", "A"), choice("b", "B")])])
    with pytest.raises(ValidationError):
        block.clean(block.to_python(bad))
    defaults = block.get_default()
    assert (defaults["pass_mark"], defaults["max_attempts"]) == (70, 3)
    assert block.clean(block.to_python(quiz_raw()))["pass_mark"] == 70


def test_errors_serialise_for_the_admin_editor():
    with pytest.raises(ValidationError) as excinfo:
        clean_question("true_false", True)
    data = excinfo.value.as_json_data()
    assert "two answers" in data["blockErrors"]["choices"]["messages"][0]
