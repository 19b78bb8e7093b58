"""What capacity metrics read besides the learner record itself.

`Offering` and `OfferingSession` copy, from the published pages, the few attributes metrics filter and group
by, one row per course or seminar identity (every language version of a course is one offering, keyed like
enrolments and registrations on the Wagtail translation key). They are derived data: `metrics.services`
refreshes them whenever a course or seminar is published and `offerings_rebuild` recomputes all of them from
the pages; tests check the two agree.

`ActivityMonth` is primary data: the months in which an enrolment had lesson activity, recorded at each visit,
so that "active learners" in any past period is exact (a lesson's progress row only keeps its first and last
visit).

`CountryTarget` holds the Secretariat's yearly targets per country. `SnapshotPeriod` and `SnapshotFigure` store
figures computed ahead (`metrics.snapshot`).
"""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Offering(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        SEMINAR = "seminar", _("Seminar")

    key = models.UUIDField(_("identity"), primary_key=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    action_plan_line = models.ForeignKey("crm.ActionPlanLine", verbose_name=_("Action Plan line"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+")
    topics = models.ManyToManyField("crm.Topic", verbose_name=_("topics"), blank=True, related_name="+")
    modality = models.CharField(_("modality"), max_length=20, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    network = models.ForeignKey("crm.Network", verbose_name=_("network"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    host_country = CountryField(_("host country"), blank=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("offering (metrics)")
        verbose_name_plural = _("offerings (metrics)")
        indexes = [models.Index(fields=["kind", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class OfferingSession(models.Model):
    """One seminar session's length, for the hours of attendance."""

    key = models.UUIDField(_("session"), primary_key=True)
    offering = models.ForeignKey(Offering, verbose_name=_("seminar"), on_delete=models.CASCADE,
                                 related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("session (metrics)")
        verbose_name_plural = _("sessions (metrics)")

    def __str__(self) -> str:
        return f"{self.offering_id} · {self.starts_at:%Y-%m-%d %H:%M}"


class ActivityMonth(models.Model):
    enrollment = models.ForeignKey("enrolments.Enrollment", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), help_text=_("First day of the month."))

    class Meta:
        verbose_name = _("month of lesson activity")
        verbose_name_plural = _("months of lesson activity")
        constraints = [models.UniqueConstraint(fields=["enrollment", "month"], name="activity_once_per_month")]
        indexes = [models.Index(fields=["month", "enrollment"])]

    def __str__(self) -> str:
        return f"{self.enrollment_id} · {self.month:%Y-%m}"


def month_start(moment: datetime.date | datetime.datetime) -> datetime.date:
    return datetime.date(moment.year, moment.month, 1)


class CountryTarget(models.Model):
    """A yearly target for one country, for one Action Plan line or for all of them."""

    class Measure(models.TextChoices):
        OFFICIALS_TRAINED = "officials_trained", _("Officials trained")
        COMPLETIONS = "completions", _("Course completions")
        TRAINING_HOURS = "training_hours", _("Training hours")
        SEMINAR_PARTICIPANTS = "seminar_participants", _("Seminar participants")

    country = CountryField(_("country"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices,
                               default=Measure.OFFICIALS_TRAINED)
    action_plan_line = models.ForeignKey("crm.ActionPlanLine", verbose_name=_("Action Plan line"), null=True,
                                         blank=True, on_delete=models.CASCADE, related_name="+",
                                         help_text=_("Leave empty for a target across all lines."))
    target = models.PositiveIntegerField(_("target"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("country target")
        verbose_name_plural = _("country targets")
        ordering = ["-year", "country", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["country", "year", "measure", "action_plan_line"],
                                    name="one_target_per_country_year_measure_line"),
            models.UniqueConstraint(fields=["country", "year", "measure"],
                                    condition=models.Q(action_plan_line__isnull=True),
                                    name="one_all_lines_target_per_country_year_measure"),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.year} · {self.get_measure_display()}: {self.target}"


from metrics.pages import ResultsPage  # noqa: E402,F401
from metrics.report_models import MetricsReport  # noqa: E402,F401
from metrics.snapshot_models import SnapshotFigure, SnapshotPeriod  # noqa: E402,F401
