"""Learners' attempts at the quizzes inside lessons."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QuizAttempt(models.Model):
    """One graded submission of one quiz block by one enrolment.

    The quiz is identified by the lesson's translation key and the StreamField block id, which wagtail-localize
    keeps across translations, so an attempt in any language version counts for the course.
    """

    enrollment = models.ForeignKey("enrolments.Enrollment", verbose_name=_("enrolment"), on_delete=models.CASCADE,
                                   related_name="quiz_attempts")
    lesson_key = models.UUIDField(_("lesson identity"))
    block_id = models.CharField(_("quiz block"), max_length=64)
    number = models.PositiveIntegerField(_("attempt number"))
    score_percent = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    answers = models.JSONField(_("answers"), default=dict,
                               help_text=_("Chosen choice ids per question id."))
    # Graded against the quiz as it was at submission, so later edits by a trainer do not rewrite the past.
    correct_questions = models.JSONField(_("correctly answered questions"), default=list, blank=True)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["enrollment", "lesson_key", "block_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson_key", "block_id", "number"],
                                    name="one_quiz_attempt_number"),
        ]
        indexes = [models.Index(fields=["enrollment", "lesson_key", "block_id"])]

    def __str__(self) -> str:
        return f"{self.enrollment_id} · {self.block_id} #{self.number}: {self.score_percent}%"
