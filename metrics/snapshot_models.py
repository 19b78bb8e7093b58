"""Stored figures: every measure of `metrics.selectors.breakdown`, computed ahead for standard periods and the
groupings the dashboard shows (see `metrics.snapshot`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SnapshotPeriod(models.Model):
    """One period whose figures are stored, with the moment they were computed from."""

    key = models.CharField(_("period"), max_length=32, unique=True, help_text=_('"all" or "start..end".'))
    kind = models.CharField(_("kind"), max_length=10)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    computed_at = models.DateTimeField(_("figures as of"))

    class Meta:
        verbose_name = _("stored metrics period")
        verbose_name_plural = _("stored metrics periods")
        indexes = [models.Index(fields=["kind", "start"])]

    def __str__(self) -> str:
        return self.key


class SnapshotFigure(models.Model):
    """The measures of one group of one grouping in one stored period. Key columns outside the grouping are
    empty; inside it, an empty institution or line means "not recorded"."""

    period = models.ForeignKey(SnapshotPeriod, on_delete=models.CASCADE, related_name="figures")
    grouping = models.CharField(_("grouping"), max_length=40, help_text=_('Dimensions joined by "+", or empty.'))
    country = models.CharField(max_length=2, blank=True)
    line_id = models.IntegerField(null=True, blank=True)
    topic_id = models.IntegerField(null=True, blank=True)
    institution_id = models.BigIntegerField(null=True, blank=True)
    enrolments = models.IntegerField(default=0)
    completions = models.IntegerField(default=0)
    cohort_completed = models.IntegerField(default=0)
    learners = models.IntegerField(default=0)
    participants = models.IntegerField(default=0)
    officials_trained = models.IntegerField(default=0)
    course_hours = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    seminar_hours = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    active_learners = models.IntegerField(default=0)
    certificates = models.IntegerField(default=0)
    institutions = models.IntegerField(default=0)
    average_score = models.FloatField(null=True, blank=True)
    seminar_ended = models.IntegerField(default=0)
    seminar_ended_attended = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("stored metrics figure")
        verbose_name_plural = _("stored metrics figures")
        indexes = [models.Index(fields=["period", "grouping", "country"])]

    def __str__(self) -> str:
        return f"{self.period_id} {self.grouping}"
