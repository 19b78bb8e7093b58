"""Seminars: the Action Plan's second line. Index and seminar pages with sessions; registrations and attendance."""

import uuid
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.models import Audience, EnrolmentPolicy

# The member states span UTC−8 to UTC−4; these are the zones their capitals and main border posts use.
TIME_ZONES = [
    ("America/Mexico_City", "Ciudad de México"), ("America/Tijuana", "Tijuana"), ("America/Guatemala", "Guatemala"),
    ("America/Belize", "Belice"), ("America/El_Salvador", "San Salvador"), ("America/Tegucigalpa", "Tegucigalpa"),
    ("America/Managua", "Managua"), ("America/Costa_Rica", "San José"), ("America/Panama", "Panamá"),
    ("America/Santo_Domingo", "Santo Domingo"), ("America/New_York", "Washington D. C. / Ottawa"),
    ("America/Chicago", "Chicago"), ("America/Denver", "Denver"), ("America/Los_Angeles", "Los Ángeles"),
    ("America/Vancouver", "Vancouver"), ("America/Toronto", "Toronto"), ("UTC", "UTC"),
]


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class MaterialsBlock(blocks.StreamBlock):
    document = DocumentChooserBlock(label=_("Document"))
    link = blocks.StructBlock([("title", blocks.CharBlock(label=_("Title"))),
                               ("url", blocks.URLBlock(label=_("Address")))], label=_("Link"), icon="link")
    course = blocks.PageChooserBlock(label=_("Related course"), page_type="courses.CoursePage")


class SeminarIndexPage(Page):
    """The seminar calendar of one language: upcoming seminars with filters, then past ones."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["seminars.SeminarPage"]

    class Meta:
        verbose_name = _("seminar calendar")

    def get_context(self, request, *args, **kwargs):
        from seminars.selectors import seminar_listing

        context = super().get_context(request, *args, **kwargs)
        context["listing"] = seminar_listing(index=self, user=request.user, params=request.GET)
        return context


class SeminarPage(Page):
    """A regional or national seminar: one to several days of sessions, in person, online or hybrid."""

    summary = models.CharField(_("summary"), max_length=300)
    description = RichTextField(_("description"), blank=True)
    action_plan_line = models.ForeignKey("crm.ActionPlanLine", verbose_name=_("Action Plan line"),
                                         on_delete=models.PROTECT, related_name="+")
    topics = ParentalManyToManyField("crm.Topic", verbose_name=_("topics"), blank=True, related_name="+")
    host_country = CountryField(_("host country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    online_link = models.URLField(_("online link"), blank=True,
                                  help_text=_("Shown only to confirmed participants."))
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices, default=Modality.IN_PERSON)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=40, choices=TIME_ZONES, default="America/Mexico_City")
    languages = models.CharField(_("languages"), max_length=60, default="es",
                                 help_text=_("Language codes separated by commas, e.g. es,en."))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=8,
                                help_text=_("Printed on attendance certificates."))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True,
                                           help_text=_("Empty: no limit. When full, registrations join a waiting "
                                                       "list that moves up automatically."))
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    registration_policy = models.CharField(_("registration"), max_length=20, choices=EnrolmentPolicy.choices,
                                           default=EnrolmentPolicy.OPEN)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    audience_network = models.ForeignKey("crm.Network", verbose_name=_("network"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    organisers = ParentalManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("organisers and trainers"),
                                         blank=True, related_name="organised_seminars")
    attendance_threshold = models.PositiveSmallIntegerField(
        _("attendance needed (%)"), default=75, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of the sessions a participant must attend to receive the certificate of attendance."))
    certificate_template = models.ForeignKey(
        "certificates.CertificateTemplate", verbose_name=_("certificate"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    materials = StreamField(MaterialsBlock(), verbose_name=_("materials"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel([FieldPanel("action_plan_line"), FieldPanel("topics", widget=forms.CheckboxSelectMultiple)],
                        heading=_("Classification")),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("modality"), FieldPanel("host_country"), FieldPanel("city")]),
            FieldPanel("venue"), FieldPanel("online_link"),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at"), FieldPanel("time_zone")]),
            FieldRowPanel([FieldPanel("languages"), FieldPanel("hours")]),
        ], heading=_("When and where")),
        InlinePanel("sessions", label=_("Agenda: sessions")),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("registration_policy"), FieldPanel("capacity"),
                           FieldPanel("registration_deadline")]),
            FieldRowPanel([FieldPanel("audience"), FieldPanel("audience_network")]),
        ], heading=_("Registration")),
        FieldPanel("organisers"),
        FieldRowPanel([FieldPanel("attendance_threshold"), FieldPanel("certificate_template")]),
        FieldPanel("materials"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("description")]
    parent_page_types = ["seminars.SeminarIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("seminar")

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The seminar cannot end before it starts.")})
        if self.audience == Audience.NETWORK and not self.audience_network_id:
            raise ValidationError({"audience_network": _("Choose the network this seminar is for.")})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @cached_property
    def session_list(self) -> list:
        return list(self.sessions.order_by("starts_at", "sort_order"))

    def get_context(self, request, *args, **kwargs):
        from seminars.selectors import seminar_page_state

        context = super().get_context(request, *args, **kwargs)
        context.update(seminar_page_state(seminar=self, user=request.user))
        return context

    def serve(self, request, *args, **kwargs):
        from django.http import Http404

        from seminars.selectors import seminar_visible_to

        if not seminar_visible_to(request.user, self):
            raise Http404
        return super().serve(request, *args, **kwargs)


class SeminarSession(Orderable):
    """One session of the agenda. `key` stays the same in every language version (attendance refers to it)."""

    page = ParentalKey(SeminarPage, related_name="sessions", on_delete=models.CASCADE)
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    speakers = models.CharField(_("speakers"), max_length=300, blank=True)
    room = models.CharField(_("room"), max_length=120, blank=True)

    panels = [FieldPanel("title"), FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
              FieldRowPanel([FieldPanel("speakers"), FieldPanel("room")])]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    """One person's place in one seminar (all language versions are one seminar)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Not approved")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("participant"), on_delete=models.CASCADE,
                             related_name="seminar_registrations")
    seminar_key = models.UUIDField(_("seminar identity"), db_index=True)
    seminar = models.ForeignKey(SeminarPage, verbose_name=_("seminar"), null=True, on_delete=models.SET_NULL,
                                related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    country = CountryField(_("country at registration"), blank=True)
    institution = models.ForeignKey("accounts.Institution", verbose_name=_("institution at registration"),
                                    null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    institution_type = models.CharField(_("institution type at registration"), max_length=30, blank=True)
    gender = models.CharField(_("gender at registration"), max_length=20, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    ended_at = models.DateTimeField(_("withdrawn or rejected"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    attended_at = models.DateTimeField(_("attendance reached"), null=True, blank=True)
    reminded_48h_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_2h_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A join, not a column: the seminar's attributes as metrics know them (see metrics.models.Offering).
    offering = models.ForeignObject("metrics.Offering", on_delete=models.DO_NOTHING, from_fields=["seminar_key"],
                                    to_fields=["key"], related_name="+", null=True)

    class Meta:
        verbose_name = _("seminar registration")
        verbose_name_plural = _("seminar registrations")
        constraints = [models.UniqueConstraint(fields=["user", "seminar_key"], name="registration_once_per_seminar")]

    def __str__(self) -> str:
        return f"{self.user} · {self.seminar_key}"


class Attendance(models.Model):
    """Whether a participant was present at one session, as marked by an organiser."""

    registration = models.ForeignKey(Registration, verbose_name=_("registration"), on_delete=models.CASCADE,
                                     related_name="attendance")
    session_key = models.UUIDField(_("session"))
    present = models.BooleanField(_("present"), default=False)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("marked by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(_("marked"), default=timezone.now)
    # A join, not a column: the session's length as metrics know it (see metrics.models.OfferingSession).
    session = models.ForeignObject("metrics.OfferingSession", on_delete=models.DO_NOTHING,
                                   from_fields=["session_key"], to_fields=["key"], related_name="+", null=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["registration", "session_key"],
                                               name="attendance_once_per_session")]

    def __str__(self) -> str:
        return f"{self.registration_id} · {self.session_key} · {self.present}"
