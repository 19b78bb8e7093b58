"""Bulk enrolment jobs: one uploaded file of officials, validated and then applied by Celery tasks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class BulkEnrolmentJob(models.Model):
    """One upload of officials to enrol in one course or register for one seminar; the report holds the outcome
    of every row."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Validating")
        VALIDATED = "validated", _("Validated")
        APPLYING = "applying", _("Applying")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="bulk_enrolment_jobs")
    # The focal point's country at upload time (empty for the Secretariat): rows outside it are errors.
    scope_country = CountryField(_("country scope"), blank=True)
    # The target is a course or a seminar: exactly one identity is set. The page links are SET_NULL (a deleted
    # page must not delete the record of who enrolled whom), so the constraint is on the identities, not on them.
    course = models.ForeignKey("courses.CoursePage", verbose_name=_("course"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    course_key = models.UUIDField(_("course identity"), null=True, blank=True, db_index=True)
    seminar = models.ForeignKey("seminars.SeminarPage", verbose_name=_("seminar"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    seminar_key = models.UUIDField(_("seminar identity"), null=True, blank=True, db_index=True)
    file = models.FileField(_("file"), upload_to="bulk/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED,
                              db_index=True)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    failure_reason = models.TextField(_("reason for failure"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applied by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("bulk enrolment")
        verbose_name_plural = _("bulk enrolments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(course_key__isnull=False, seminar_key__isnull=True, seminar__isnull=True)
                           | models.Q(course_key__isnull=True, seminar_key__isnull=False, course__isnull=True)),
                name="bulk_job_course_or_seminar",
                violation_error_message=_("Choose either a course or a seminar."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name or self.file.name} ({self.get_status_display()})"

    @property
    def is_seminar(self) -> bool:
        return self.seminar_key is not None

    @property
    def kind(self) -> str:
        return "seminar" if self.is_seminar else "course"

    @property
    def target(self):
        """The course or seminar page (None once deleted)."""
        return self.seminar if self.is_seminar else self.course

    @property
    def counts(self) -> dict:
        return self.report.get("counts", {})

    @property
    def has_errors(self) -> bool:
        return bool(self.report.get("file_error")) or bool(self.counts.get("error"))

    @property
    def applicable_count(self) -> int:
        counts = self.counts
        return counts.get("create", 0) + counts.get("enrol", 0) + counts.get("waitlist", 0)
