"""Course pages: catalogue → course → module → lesson."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import LessonStreamBlock, reading_minutes
from courses.cache import mark_cacheable


class Modality(models.TextChoices):
    SELF_PACED = "self_paced", _("Self-paced online")
    INSTRUCTOR_LED = "instructor_led", _("Instructor-led online")
    BLENDED = "blended", _("Blended")


class Level(models.TextChoices):
    INTRODUCTORY = "introductory", _("Introductory")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class EnrolmentPolicy(models.TextChoices):
    OPEN = "open", _("Open")
    APPROVAL = "approval", _("Approval by the learner's country focal point")
    INVITATION = "invitation", _("Invitation only")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    MEMBER_OFFICIALS = "member_officials", _("Officials of CRM member states only")
    NETWORK = "network", _("Members of a network")


class SharedViewRestrictionsMixin:
    """Wagtail checks a page's view restrictions (its own and its ancestors') on every view, two queries. Which
    restrictions apply changes only when privacy is set, or pages are published, moved or deleted, all of which
    start a new page-cache generation (courses.cache): so their ids are remembered per generation, and a page
    with none costs no query. The restrictions themselves are read fresh, so their groups and passwords are
    always current."""

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        from courses.cache import generation_cached

        applying = super().get_view_restrictions
        ids = generation_cached(f"campus:view-restrictions:{self.pk}",
                                lambda: list(applying().values_list("pk", flat=True)))
        return PageViewRestriction.objects.filter(pk__in=ids) if ids else PageViewRestriction.objects.none()


class CatalogPage(Page):
    """The course catalogue of one language; lists the courses visible to the visitor, with filters."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import catalog_listing

        context = super().get_context(request, *args, **kwargs)
        context["listing"] = catalog_listing(catalog=self, user=request.user, params=request.GET)
        return context

    def serve(self, request, *args, **kwargs):
        return mark_cacheable(super().serve(request, *args, **kwargs))


class CoursePage(SharedViewRestrictionsMixin, Page):
    """A course: its description and settings; modules and lessons are its children."""

    summary = models.CharField(_("summary"), max_length=300, help_text=_("One or two sentences for the catalogue."))
    description = RichTextField(_("description"), blank=True,
                                features=["h3", "bold", "italic", "link", "ol", "ul"])
    cover_image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("cover image"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    action_plan_line = models.ForeignKey(
        "crm.ActionPlanLine", verbose_name=_("Action Plan line"), on_delete=models.PROTECT, related_name="+",
    )
    topics = ParentalManyToManyField("crm.Topic", verbose_name=_("topics"), blank=True, related_name="+")
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices, default=Modality.SELF_PACED)
    estimated_hours = models.DecimalField(_("estimated hours"), max_digits=5, decimal_places=1, default=1)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.INTRODUCTORY)
    learning_outcomes = models.TextField(
        _("learning outcomes"), blank=True, help_text=_("One outcome per line: 'By the end, you will be able to…'")
    )
    trainers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("trainers"), blank=True, related_name="+",
        limit_choices_to={"groups__name": "Trainer"},
    )
    enrolment_policy = models.CharField(
        _("enrolment policy"), max_length=20, choices=EnrolmentPolicy.choices, default=EnrolmentPolicy.OPEN
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    audience_network = models.ForeignKey(
        "crm.Network", verbose_name=_("network"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("Required when the audience is a network."),
    )
    enrolment_opens = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrolment_closes = models.DateTimeField(_("enrolment closes"), null=True, blank=True)
    certificate_template = models.ForeignKey(
        "certificates.CertificateTemplate", verbose_name=_("certificate"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Completers receive a certificate with this design; none when empty."),
    )
    seat_limit = models.PositiveIntegerField(_("seat limit"), null=True, blank=True,
                                             help_text=_("Leave empty for unlimited seats."))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("cover_image"),
        FieldPanel("learning_outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("action_plan_line"),
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("modality"), FieldPanel("level"), FieldPanel("estimated_hours")]),
            ],
            heading=_("Classification"),
        ),
        FieldPanel("trainers"),
        FieldPanel("certificate_template"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("enrolment_policy"), FieldPanel("seat_limit")]),
                FieldRowPanel([FieldPanel("audience"), FieldPanel("audience_network")]),
                FieldRowPanel([FieldPanel("enrolment_opens"), FieldPanel("enrolment_closes")]),
            ],
            heading=_("Enrolment"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("learning_outcomes"),
        index.FilterField("locale_id"),
    ]
    parent_page_types = ["courses.CatalogPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("course")

    def clean(self):
        super().clean()
        if self.audience == Audience.NETWORK and not self.audience_network_id:
            raise ValidationError({"audience_network": _("Choose the network whose members may take the course.")})
        if self.audience != Audience.NETWORK and self.audience_network_id:
            raise ValidationError({"audience_network": _("A network only applies when the audience is a network.")})
        if self.enrolment_opens and self.enrolment_closes and self.enrolment_closes <= self.enrolment_opens:
            raise ValidationError({"enrolment_closes": _("Enrolment must close after it opens.")})
        if self.estimated_hours is not None and self.estimated_hours <= 0:
            raise ValidationError({"estimated_hours": _("Estimated hours must be more than zero.")})

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_outline
        from enrolments.selectors import completed_lesson_keys, enrollment_for, next_lesson

        context = super().get_context(request, *args, **kwargs)
        outline = course_outline(course=self)
        enrollment = enrollment_for(user=request.user, course=self)
        done = completed_lesson_keys(enrollment=enrollment)
        lessons = [lesson for module in outline["modules"] for lesson in module.lessons]
        context.update(outline=outline, enrollment=enrollment, done=done,
                       next_lesson=next_lesson(lessons=lessons, done=done),
                       progress_percent=round(100 * len(done & {lesson.translation_key for lesson in lessons})
                                              / len(lessons)) if lessons else 0)
        return context

    def get_sitemap_urls(self, request=None):
        # Courses restricted to an audience are not advertised.
        return super().get_sitemap_urls(request) if self.audience == Audience.EVERYONE else []

    def serve(self, request, *args, **kwargs):
        from courses.selectors import course_visible_to

        if not course_visible_to(request.user, self):
            raise Http404
        response = super().serve(request, *args, **kwargs)
        # Restricted courses differ per visitor; only open ones are the same for every anonymous visitor.
        return mark_cacheable(response) if self.audience == Audience.EVERYONE else response


class ModulePage(Page):
    """A module of a course, grouping lessons."""

    summary = models.TextField(_("summary"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")

    @cached_property
    def course(self) -> CoursePage:
        return CoursePage.objects.ancestor_of(self).get()

    def get_sitemap_urls(self, request=None):
        return []  # no page of its own

    def serve(self, request, *args, **kwargs):
        # A module has no page of its own: its place is the course outline.
        from courses.selectors import course_visible_to

        course = self.course
        if not course_visible_to(request.user, course):
            raise Http404
        return redirect(course.get_url(request) + f"#module-{self.pk}")


class LessonPage(SharedViewRestrictionsMixin, Page):
    """A lesson: the content learners read and work through. Requires login."""

    body = StreamField(LessonStreamBlock(), verbose_name=_("content"), blank=True)
    required = models.BooleanField(_("required for completion"), default=True)
    final_assessment = models.BooleanField(
        _("final assessment"), default=False,
        help_text=_("The course is completed only when the quizzes of this lesson are passed at their pass mark "
                    "(graded on the server). The lesson must contain a quiz."),
    )

    content_panels = [*Page.content_panels, FieldPanel("body"),
                      FieldRowPanel([FieldPanel("required"), FieldPanel("final_assessment")])]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    @cached_property
    def course(self) -> CoursePage:
        """The course the lesson belongs to; kept per page-cache generation (a course changes only by being
        published, moved or deleted), one query fewer on every lesson page."""
        from courses.cache import generation_cached

        if self.pk is None or not self.live:  # a new page being previewed, a draft: no shared copy
            return CoursePage.objects.ancestor_of(self).get()
        return generation_cached(f"campus:lesson-course:{self.pk}", lambda: CoursePage.objects.ancestor_of(self).get())

    def get_sitemap_urls(self, request=None):
        return []  # lessons require login

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.body)

    @property
    def has_quiz(self) -> bool:
        return any(block.block_type == "quiz" for block in self.body)

    @property
    def has_assessment(self) -> bool:
        """A lesson with a quiz or a required H5P activity is completed by doing them, not by the "mark as
        complete" button."""
        return any(block.block_type == "quiz" or (block.block_type == "h5p" and block.value.get("required"))
                   for block in self.body)

    def clean(self):
        super().clean()
        if self.final_assessment and not self.has_quiz:
            raise ValidationError({"final_assessment": _("A final assessment lesson must contain a quiz.")})

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import lesson_navigation

        context = super().get_context(request, *args, **kwargs)
        context["course"] = self.course
        context["navigation"] = lesson_navigation(lesson=self, request=request)
        context.update(getattr(self, "_learner_state", {}))
        return context

    def serve(self, request, *args, **kwargs):
        from django.contrib import messages
        from django.contrib.auth.views import redirect_to_login
        from django.utils.translation import gettext

        from courses.selectors import course_visible_to
        from enrolments.models import LessonProgress
        from enrolments.progress import lesson_visit
        from enrolments.selectors import enrollment_for, may_study

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        course = self.course
        if not course_visible_to(request.user, course):
            raise Http404
        enrollment = enrollment_for(user=request.user, course=course)
        if not may_study(user=request.user, course=course, enrollment=enrollment):
            messages.info(request, gettext("Enrol in the course to open its lessons."))
            return redirect(course.get_url(request))
        progress = None
        if enrollment is not None and enrollment.status in ("active", "completed"):
            progress = lesson_visit(enrollment=enrollment, lesson=self)
        # Read by get_context for this request's rendering.
        self._learner_state = {
            "enrollment": enrollment,
            "lesson_completed": progress is not None and progress.status == LessonProgress.Status.COMPLETED,
        }
        return super().serve(request, *args, **kwargs)
