"""Certificate designs (edited by the Secretariat) and the certificates issued with them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from certificates.codes import code_display


class _CertificateStorage(LazyObject):
    """settings.STORAGES["certificates"], looked up when first used rather than when the models are imported, and
    again after STORAGES changes (tests point it at a folder or an S3 bucket of their own)."""

    def _setup(self):
        from django.core.files.storage import storages

        self._wrapped = storages["certificates"]


_certificate_storage = _CertificateStorage()


@receiver(setting_changed)
def _certificate_storage_reset(*, setting, **kwargs):
    if setting == "STORAGES":
        _certificate_storage._wrapped = empty


def certificate_storage():
    """The private storage of certificate PDFs, reports and ZIPs (settings.STORAGES["certificates"]: a folder, or the
    private certificates/ prefix of the S3 bucket)."""
    return _certificate_storage


LANGUAGE_CHOICES = [("es", "Español"), ("en", "English"), ("fr", "Français")]
PLACEHOLDER_HELP = _("Placeholders: {name}, {course}, {hours}, {date}, {country}.")


class CertificateTemplate(index.Indexed, ClusterableModel):
    """A certificate design: texts in each language, logos, signatories, page orientation and background."""

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("Landscape (A4)")
        PORTRAIT = "portrait", _("Portrait (A4)")

    class LanguageMode(models.TextChoices):
        LEARNER = "learner", _("The learner's language")
        FIXED = "fixed", _("A chosen language")

    name = models.CharField(_("name"), max_length=120, help_text=_("For the admin only."))
    title_es = models.CharField(_("title (Spanish)"), max_length=200, default="Constancia de aprobación")
    title_en = models.CharField(_("title (English)"), max_length=200, default="Certificate of completion")
    title_fr = models.CharField(_("title (French)"), max_length=200, default="Attestation de réussite")
    body_es = models.TextField(_("text (Spanish)"), help_text=PLACEHOLDER_HELP, default=(
        "Se otorga a {name} ({country}) por haber completado el curso «{course}», con una duración de {hours} "
        "horas, el {date}."))
    body_en = models.TextField(_("text (English)"), help_text=PLACEHOLDER_HELP, default=(
        "Awarded to {name} ({country}) for completing the course “{course}”, {hours} hours, on {date}."))
    body_fr = models.TextField(_("text (French)"), help_text=PLACEHOLDER_HELP, default=(
        "Décernée à {name} ({country}) pour avoir terminé le cours « {course} », d'une durée de {hours} heures, "
        "le {date}."))
    language_mode = models.CharField(_("language"), max_length=10, choices=LanguageMode.choices,
                                     default=LanguageMode.LEARNER)
    language = models.CharField(_("chosen language"), max_length=2, choices=LANGUAGE_CHOICES, default="es",
                                help_text=_("Used when the template sets a chosen language."))
    second_language = models.CharField(
        _("second language"), max_length=2, choices=LANGUAGE_CHOICES, blank=True,
        help_text=_("For bilingual certificates: the same text again, in this language, on the same page."))
    orientation = models.CharField(_("orientation"), max_length=10, choices=Orientation.choices,
                                   default=Orientation.LANDSCAPE)
    background = models.ForeignKey("wagtailimages.Image", verbose_name=_("background image"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    logo_crm = models.ForeignKey("wagtailimages.Image", verbose_name=_("CRM logo"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    logo_presidency = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("logo of the pro tempore presidency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    logo_partner = models.ForeignKey("wagtailimages.Image", verbose_name=_("partner institution logo"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    issuer_name = models.CharField(_("issuer"), max_length=200,
                                   default="Conferencia Regional sobre Migración — Secretaría Técnica")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel([FieldPanel("title_es"), FieldPanel("body_es"), FieldPanel("title_en"), FieldPanel("body_en"),
                         FieldPanel("title_fr"), FieldPanel("body_fr")], heading=_("Texts")),
        MultiFieldPanel([FieldRowPanel([FieldPanel("language_mode"), FieldPanel("language"),
                                        FieldPanel("second_language")])], heading=_("Language")),
        MultiFieldPanel([FieldPanel("issuer_name"), FieldPanel("logo_crm"), FieldPanel("logo_presidency"),
                         FieldPanel("logo_partner")], heading=_("Issuer and logos")),
        MultiFieldPanel([FieldPanel("orientation"), FieldPanel("background")], heading=_("Page")),
        InlinePanel("signatories", label=_("Signatories"), min_num=1, max_num=3),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        for language, _label in LANGUAGE_CHOICES:
            body = getattr(self, f"body_{language}")
            try:
                body.format(name="", course="", hours="", date="", country="")
            except (KeyError, IndexError, ValueError) as error:
                errors[f"body_{language}"] = _("Unknown or broken placeholder: %(error)s. %(help)s") % {
                    "error": error, "help": PLACEHOLDER_HELP}
        if self.second_language and self.language_mode == self.LanguageMode.FIXED \
                and self.second_language == self.language:
            errors["second_language"] = _("The second language must differ from the first.")
        if errors:
            raise ValidationError(errors)

    def languages_for(self, learner_language: str) -> list[str]:
        """The language(s) a certificate is written in: first the main one, then the second if bilingual."""
        first = self.language if self.language_mode == self.LanguageMode.FIXED else (learner_language or "es")
        if first not in dict(LANGUAGE_CHOICES):
            first = "es"
        return [first] + ([self.second_language] if self.second_language and self.second_language != first else [])


class CertificateSignatory(Orderable):
    template = ParentalKey(CertificateTemplate, related_name="signatories", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("title"), max_length=200)
    signature = models.ForeignKey("wagtailimages.Image", verbose_name=_("signature image"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("name"), FieldPanel("position"), FieldPanel("signature")]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """One certificate for one learner and one course (or seminar); issued once, revocable, reissued by superseding."""

    # Thousands of certificates point at one template; listing them as the template's "usages" helps nobody and
    # indexing them costs every issuance a few queries.
    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        COMPLETION = "completion", _("Completion")
        PARTICIPATION = "participation", _("Participation")
        ATTENDANCE = "attendance", _("Attendance")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being issued")
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    code = models.CharField(_("verification code"), max_length=12, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPLETION)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.PROTECT,
                             related_name="certificates")
    enrollment = models.ForeignKey("enrolments.Enrollment", verbose_name=_("enrolment"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="certificates")
    course_key = models.UUIDField(_("course identity"), null=True, blank=True, db_index=True)
    course = models.ForeignKey("courses.CoursePage", verbose_name=_("course"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    # For seminars, course_key holds the seminar's identity (translation key) and this points to the seminar.
    seminar = models.ForeignKey("seminars.SeminarPage", verbose_name=_("seminar"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    registration = models.ForeignKey("seminars.Registration", verbose_name=_("seminar registration"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="certificates")
    template = models.ForeignKey(CertificateTemplate, verbose_name=_("template"), on_delete=models.PROTECT,
                                 related_name="certificates")
    # What the certificate says, as issued (a later change of name or course title needs a reissue).
    learner_name = models.CharField(_("name on the certificate"), max_length=200)
    country = models.CharField(_("country"), max_length=2, blank=True)
    subject_title = models.CharField(_("course or seminar"), max_length=255)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="es")
    second_language = models.CharField(_("second language"), max_length=2, choices=LANGUAGE_CHOICES, blank=True)
    pdf = models.FileField(_("PDF"), storage=certificate_storage, blank=True, max_length=200)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    superseded_by = models.ForeignKey("self", verbose_name=_("superseded by"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="supersedes")

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-created_at"]
        constraints = [
            # Exactly one current certificate per learner, course and kind: completion reported twice, at the
            # same moment or by a retried task, cannot issue a second one. Reissuing supersedes the old one first.
            models.UniqueConstraint(fields=["user", "course_key", "kind"], condition=~models.Q(status="superseded"),
                                    name="certificate_once_per_learner_course"),
        ]

    def __str__(self) -> str:
        return f"{code_display(self.code)} · {self.learner_name} · {self.subject_title}"

    @property
    def display_code(self) -> str:
        return code_display(self.code)

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID


class CertificateJob(models.Model):
    """A bulk job on a course's certificates, run by Celery with progress the requester can watch."""

    class Action(models.TextChoices):
        ISSUE_MISSING = "issue_missing", _("Issue missing certificates to every completer")
        REGENERATE = "regenerate", _("Regenerate the PDFs (after a template change)")
        ZIP = "zip", _("Download the PDFs as one ZIP file")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Working")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    course_key = models.UUIDField(_("course identity"))
    course_title = models.CharField(_("course"), max_length=255)
    country = models.CharField(_("country"), max_length=2, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("total"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    result = models.FileField(_("result"), storage=certificate_storage, blank=True, max_length=200)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate job")
        verbose_name_plural = _("certificate jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.course_title}"
