"""Trainers' view of their courses' learners (progress, completion), filterable by country, exportable."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from courses.models import CoursePage, LessonPage
from enrolments.models import Enrollment, LessonProgress
from quizzes.models import QuizAttempt


def courses_taught(user):
    """Courses the user teaches (all for the Secretariat), one language version each (the original)."""
    qs = CoursePage.objects.filter(alias_of__isnull=True).select_related("locale").order_by("title")
    if not user.is_secretariat:
        if not user.is_trainer:
            raise PermissionDenied
        qs = qs.filter(trainers=user)
    keys, courses = set(), []
    for course in qs:
        if course.translation_key not in keys:
            keys.add(course.translation_key)
            courses.append(course)
    return courses


def my_courses(request):
    return render(request, "enrolments/trainer/courses.html", {"courses": courses_taught(request.user)})


class CourseLearnersView(SpreadsheetExportMixin, ListView):
    """Learners of one course: status, lessons completed, progress, best quiz score, completion date.

    ?country=XX filters; ?export=csv|xlsx downloads (Wagtail's spreadsheet export)."""

    template_name = "enrolments/trainer/learners.html"
    paginate_by = 100
    list_export = ["user.full_name", "user.email", "country", "institution", "status", "lessons_done", "percent",
                   "best_quiz_score", "completed_at"]
    export_headings = {
        "user.full_name": _("Learner"), "user.email": _("E-mail"), "country": _("Country"),
        "institution": _("Institution"), "status": _("Status"), "lessons_done": _("Lessons completed"),
        "percent": _("Progress (%)"), "best_quiz_score": _("Best quiz score (%)"), "completed_at": _("Completed"),
    }

    @cached_property
    def course(self) -> CoursePage:
        course = CoursePage.objects.filter(pk=self.kwargs["page_id"]).first()
        if course is None:
            raise Http404
        user = self.request.user
        if not (user.is_secretariat or CoursePage.objects.filter(translation_key=course.translation_key,
                                                                   trainers=user).exists()):
            raise Http404  # trainers of other courses learn nothing about this one
        return course

    def get_filename(self):
        return f"learners-{self.course.slug}"

    def get_queryset(self):
        qs = (Enrollment.objects.filter(course_key=self.course.translation_key)
              .exclude(status=Enrollment.Status.WITHDRAWN)
              .select_related("user", "institution")
              .annotate(lessons_done=Count("progress", filter=Q(progress__status=LessonProgress.Status.COMPLETED)),
                        best_quiz_score=Subquery(QuizAttempt.objects.filter(enrollment=OuterRef("pk"))
                                                 .order_by("-score_percent").values("score_percent")[:1]))
              .order_by("country", "user__full_name"))
        country = self.request.GET.get("country", "").upper()[:2]
        return qs.filter(country=country) if country else qs

    @cached_property
    def lesson_total(self) -> int:
        return LessonPage.objects.live().descendant_of(self.course).filter(required=True).count()

    def paginate_queryset(self, queryset, page_size):
        result = super().paginate_queryset(queryset, page_size)
        self._decorate(result[2] if result else [])
        return result

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.paginate_by or self.is_export:
            self._decorate(context["object_list"])
        countries = (Enrollment.objects.filter(course_key=self.course.translation_key)
                     .order_by("country").values_list("country", flat=True).distinct())
        context.update(course=self.course, countries=[c for c in countries if c],
                       country=self.request.GET.get("country", "").upper()[:2], view=self)
        return context

    def _decorate(self, enrollments) -> None:
        for enrollment in enrollments:
            enrollment.percent = 100 if enrollment.status == Enrollment.Status.COMPLETED else (
                round(100 * min(enrollment.lessons_done, self.lesson_total) / self.lesson_total)
                if self.lesson_total else 0)

    def render_to_response(self, context, **response_kwargs):
        if self.is_export:
            return self.as_spreadsheet(context["object_list"], self.request.GET.get("export"))
        return super().render_to_response(context, **response_kwargs)
