"""A PDF report of a period's figures for the Vice-Ministers' meeting, rendered by Celery."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models import certificate_storage


class MetricsReport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Working")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.CASCADE, related_name="+")
    query = models.TextField(_("filters"), blank=True, help_text=_("The dashboard's query string."))
    description = models.CharField(_("description"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="es")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    pdf = models.FileField(_("PDF"), storage=certificate_storage, blank=True, max_length=200)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("metrics report")
        verbose_name_plural = _("metrics reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.description or self.query} ({self.get_status_display()})"
