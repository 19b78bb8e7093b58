"""Who takes which course, and how far they have got."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Enrollment(models.Model):
    """One learner in one course identity (all language versions of a course are one course).

    The learner's country, institution and gender are copied at enrolment so that statistics stay true when
    an official later changes post or country.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE,
                             related_name="enrollments")
    course_key = models.UUIDField(_("course identity"), db_index=True,
                                  help_text=_("Wagtail translation key shared by every language version."))
    course = models.ForeignKey("courses.CoursePage", verbose_name=_("course"), null=True,
                               on_delete=models.SET_NULL, related_name="+",
                               help_text=_("The language version the learner enrolled from."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("withdrawn or rejected"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decision_reason = models.TextField(_("reason"), blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("nominated by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    # Snapshot at enrolment, for statistics.
    country = CountryField(_("country at enrolment"), blank=True)
    institution = models.ForeignKey("accounts.Institution", verbose_name=_("institution at enrolment"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    institution_type = models.CharField(_("institution type at enrolment"), max_length=30, blank=True)
    gender = models.CharField(_("gender at enrolment"), max_length=20, blank=True)
    # A join, not a column: the course's attributes as metrics know them (see metrics.models.Offering).
    offering = models.ForeignObject("metrics.Offering", on_delete=models.DO_NOTHING, from_fields=["course_key"],
                                    to_fields=["key"], related_name="+", null=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course_key"], name="one_enrollment_per_learner_and_course"),
        ]
        indexes = [models.Index(fields=["course_key", "status"]), models.Index(fields=["country", "status"]),
                   models.Index(fields=["requested_at"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.course_key} ({self.status})"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_STATUSES


SEAT_STATUSES = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


class LessonProgress(models.Model):
    """How far one enrolment got in one lesson (keyed on the lesson's translation key: any language counts)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="progress")
    lesson_key = models.UUIDField(_("lesson identity"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    first_visit_at = models.DateTimeField(_("first visit"), default=timezone.now)
    last_visit_at = models.DateTimeField(_("last visit"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson_key"], name="one_progress_per_lesson")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}/{self.lesson_key}: {self.status}"


from enrolments.bulk_models import BulkEnrolmentJob  # noqa: E402,F401
