"""H5P packages and the libraries they share, learners' results (xAPI) and saved state."""

import uuid

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


class H5PLibrary(models.Model):
    """One H5P library (e.g. H5P.TrueFalse 1.6), stored once and shared by every package that uses it.

    H5P names library folders by major.minor only, so a package bringing a newer patch version replaces the files.
    """

    machine_name = models.CharField(_("machine name"), max_length=127)
    major = models.PositiveIntegerField(_("major version"))
    minor = models.PositiveIntegerField(_("minor version"))
    patch = models.PositiveIntegerField(_("patch version"))
    title = models.CharField(_("title"), max_length=255)
    library_json = models.JSONField(_("library.json"), default=dict)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        constraints = [models.UniqueConstraint(fields=["machine_name", "major", "minor"],
                                               name="h5p_library_unique_version")]
        ordering = ["machine_name", "major", "minor"]

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}.{self.patch}"

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"


class H5PPackage(index.Indexed, models.Model):
    """An uploaded .h5p package: its content, extracted under its own folder, and the libraries it needs."""

    title = models.CharField(_("title"), max_length=255)
    main_library = models.ForeignKey(H5PLibrary, verbose_name=_("main library"), on_delete=models.PROTECT,
                                     related_name="+")
    libraries = models.ManyToManyField(H5PLibrary, verbose_name=_("libraries"), related_name="packages")
    language = models.CharField(_("language"), max_length=16, blank=True)
    h5p_json = models.JSONField(_("h5p.json"), default=dict)
    storage_key = models.UUIDField(_("storage folder"), default=uuid.uuid4, unique=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    size_bytes = models.PositiveBigIntegerField(_("package size (bytes)"))
    unpacked_bytes = models.PositiveBigIntegerField(_("unpacked size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    @admin.display(description=_("Main library"))
    def main_library_label(self) -> str:
        return f"{self.main_library.machine_name} {self.main_library.major}.{self.main_library.minor}"


class H5PAttempt(models.Model):
    """A learner's result at one H5P activity of a lesson, updated by each top-level xAPI statement."""

    enrollment = models.ForeignKey("enrolments.Enrollment", verbose_name=_("enrolment"), on_delete=models.CASCADE,
                                   related_name="h5p_attempts")
    lesson_key = models.UUIDField(_("lesson identity"))
    block_id = models.CharField(_("activity block"), max_length=64)
    package = models.ForeignKey(H5PPackage, verbose_name=_("package"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=9, decimal_places=2, null=True, blank=True)
    best_percent = models.DecimalField(_("best score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)
    success = models.BooleanField(_("passed"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("H5P result")
        verbose_name_plural = _("H5P results")
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson_key", "block_id"],
                                               name="h5p_attempt_one_per_activity")]

    def __str__(self) -> str:
        return f"{self.enrollment_id} · {self.block_id}"

    @property
    def percent(self):
        if self.score is None or not self.max_score:
            return None
        return round(self.score * 100 / self.max_score, 2)


class XAPIStatement(models.Model):
    """An xAPI statement as the platform stored it: the actor is always the signed-in user, never the browser's.

    The request only inserts the row; the learner's result (H5PAttempt), lesson completion and forwarding to the
    LRS follow in a task (`aggregated_at` says it ran). When the browser gave the statement a UUID, the id is
    derived from it and the user (services.statement_id), so a replayed statement is the same row.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="xapi_statements")
    enrollment = models.ForeignKey("enrolments.Enrollment", verbose_name=_("enrolment"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    package = models.ForeignKey(H5PPackage, verbose_name=_("package"), on_delete=models.PROTECT, related_name="+")
    # The page version the learner answered in (lesson_key names all its translations); completion reads its body.
    lesson = models.ForeignKey("courses.LessonPage", verbose_name=_("lesson"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    lesson_key = models.UUIDField(_("lesson identity"))
    block_id = models.CharField(_("activity block"), max_length=64)
    verb = models.CharField(_("verb"), max_length=255)
    statement = models.JSONField(_("statement"))
    stored_at = models.DateTimeField(_("stored"), default=timezone.now, db_index=True)
    aggregated_at = models.DateTimeField(_("counted in the result"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("sent to the LRS"), null=True, blank=True)

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        ordering = ["stored_at"]
        indexes = [
            models.Index(fields=["forwarded_at"], name="h5p_xapi_unforwarded",
                         condition=models.Q(forwarded_at__isnull=True)),
            # The sweep's list: small, since a statement leaves it seconds after it is stored.
            models.Index(fields=["stored_at"], name="h5p_xapi_unaggregated",
                         condition=models.Q(aggregated_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.verb} · {self.stored_at:%Y-%m-%d %H:%M}"


class H5PUserData(models.Model):
    """State H5P asks to keep for a learner (e.g. answers given so far), in the form H5P core reads back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    lesson_key = models.UUIDField(_("lesson identity"))
    block_id = models.CharField(_("activity block"), max_length=64)
    sub_content_id = models.CharField(_("sub-content id"), max_length=64, default="0")
    data_type = models.CharField(_("data type"), max_length=64)
    data = models.TextField(_("data"))
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("H5P saved state")
        verbose_name_plural = _("H5P saved states")
        constraints = [models.UniqueConstraint(
            fields=["user", "lesson_key", "block_id", "sub_content_id", "data_type"], name="h5p_user_data_unique",
        )]

    def __str__(self) -> str:
        return f"{self.block_id} · {self.data_type}"
