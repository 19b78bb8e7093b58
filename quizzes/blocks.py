"""The quiz StreamField block for lessons. Graded on the server: the template never sees the answers."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

FEEDBACK_FEATURES = ["bold", "italic", "link"]


class Kind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice (select all that apply)")
    TRUE_FALSE = "true_false", _("True / false")


class QuizChoiceBlock(blocks.StructBlock):
    """One possible answer to a question."""

    text = blocks.CharBlock(label=_("Answer"), max_length=500)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.CharBlock(label=_("Feedback for this answer"), required=False, max_length=500,
                                help_text=_("Shown after submission to learners who chose this answer."))

    class Meta:
        icon = "radio-full"
        label = _("Answer")


class QuizQuestionBlock(blocks.StructBlock):
    """A question with its answers and the feedback shown once the learner has submitted."""

    kind = blocks.ChoiceBlock(label=_("Kind"), choices=Kind.choices, default=Kind.SINGLE)
    text = blocks.TextBlock(label=_("Question"))
    choices = blocks.ListBlock(QuizChoiceBlock(), label=_("Answers"))
    feedback = blocks.RichTextBlock(label=_("Feedback"), required=False, features=FEEDBACK_FEATURES,
                                    help_text=_("Shown after submission, whatever the learner answered."))

    class Meta:
        icon = "help"
        label = _("Question")

    def clean(self, value):
        value = super().clean(value)
        choices = list(value["choices"])
        correct = sum(1 for choice in choices if choice["correct"])
        kind = value["kind"]
        message = None
        if kind == Kind.TRUE_FALSE and (len(choices) != 2 or correct != 1):
            message = _("A true/false question needs exactly two answers, one of them marked correct.")
        elif len(choices) < 2:
            message = _("A question needs at least two answers.")
        elif kind == Kind.SINGLE and correct != 1:
            message = _("A single choice question needs exactly one answer marked correct (%(count)s marked).") % {
                "count": correct}
        elif kind == Kind.MULTIPLE and correct < 1:
            message = _("A multiple choice question needs at least one answer marked correct.")
        if message:
            raise StructBlockValidationError(
                block_errors={"choices": ListBlockValidationError(non_block_errors=[ValidationError(message)])}
            )
        return value


class QuizBlock(blocks.StructBlock):
    """A quiz graded on the server; passing every quiz of a lesson completes the lesson."""

    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    intro = blocks.RichTextBlock(label=_("Introduction"), required=False, features=FEEDBACK_FEATURES)
    questions = blocks.ListBlock(QuizQuestionBlock(), label=_("Questions"), min_num=1)
    pass_mark = blocks.IntegerBlock(label=_("Pass mark (%)"), default=70, min_value=0, max_value=100)
    max_attempts = blocks.IntegerBlock(label=_("Maximum attempts"), default=3, min_value=0,
                                       help_text=_("0 for unlimited attempts."))
    shuffle_questions = blocks.BooleanBlock(label=_("Shuffle questions"), required=False)
    shuffle_choices = blocks.BooleanBlock(label=_("Shuffle answers"), required=False)

    class Meta:
        icon = "tasks"
        template = "quizzes/blocks/quiz.html"
        label = _("Quiz")

    def get_context(self, value, parent_context=None):
        from quizzes.selectors import UNKNOWN, quiz_display

        context = parent_context or {}
        # The lesson page may already have looked the learner's enrolment up for this request.
        quiz = quiz_display(value=value, block_id=own_block_id(value, context), lesson=context.get("page"),
                            request=context.get("request"), enrollment=context.get("enrollment", UNKNOWN))
        context = super().get_context(value, parent_context=context)
        context["quiz"] = quiz
        return context


def own_block_id(value, context) -> str:
    """The StreamField id of the block being rendered (Block.render is given the value, not the bound block)."""
    bound = context.get("block")
    if getattr(bound, "value", None) is value and getattr(bound, "id", None):
        return bound.id
    page = context.get("page")
    for child in getattr(page, "body", None) or ():
        if child.value is value:
            return child.id
    return ""


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: str
    choices: tuple[Choice, ...]
    feedback: object  # RichText

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(choice.id for choice in self.choices if choice.correct)

    @property
    def multiple(self) -> bool:
        return self.kind == Kind.MULTIPLE


def _item_id(bound, index: int) -> str:
    # Items saved before ListBlock had ids have none; their position is the best stable identity left.
    return bound.id or f"i{index}"


def quiz_questions(value) -> list[Question]:
    """The questions of a quiz block value, with the stable ids learners answer with."""
    questions = []
    for q_index, q_bound in enumerate(value["questions"].bound_blocks):
        question = q_bound.value
        choices = tuple(
            Choice(id=_item_id(c_bound, c_index), text=c_bound.value["text"], correct=bool(c_bound.value["correct"]),
                   feedback=c_bound.value["feedback"] or "")
            for c_index, c_bound in enumerate(question["choices"].bound_blocks)
        )
        questions.append(Question(id=_item_id(q_bound, q_index), kind=question["kind"], text=question["text"],
                                  choices=choices, feedback=question["feedback"]))
    return questions


def stable_shuffle(items, seed: str, key=lambda item: item.id) -> list:
    """A per-seed order that is the same on every reload (not security-relevant, so no RNG is needed)."""
    return sorted(items, key=lambda item: hashlib.sha256(f"{seed}:{key(item)}".encode()).hexdigest())
