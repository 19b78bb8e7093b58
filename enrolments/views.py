"""Learner actions on enrolments: enrol, withdraw, mark a lesson complete. Thin: parse, call a service, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import CoursePage, LessonPage
from courses.selectors import course_outline
from enrolments import services
from enrolments.models import Enrollment
from enrolments.progress import lesson_mark_complete
from enrolments.selectors import LEARNING_STATUSES, completed_lesson_keys, next_lesson

MESSAGES = {
    Enrollment.Status.ACTIVE: _("You are enrolled. You can start the course now."),
    Enrollment.Status.PENDING: _("Your request was sent to your country's focal point for approval."),
    Enrollment.Status.COMPLETED: _("You have already completed this course."),
}


@login_required
@require_POST
def enrol(request, page_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=page_id)
    try:
        enrollment = services.enrollment_request(user=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(MESSAGES.get(enrollment.status, "")))
    return redirect(course.get_url(request))


@login_required
@require_POST
def withdraw(request, pk: int):
    enrollment = get_object_or_404(Enrollment, pk=pk, user=request.user)
    try:
        services.enrollment_withdraw(enrollment=enrollment, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have left the course. Your progress is kept if you enrol again."))
    return redirect(enrollment.course.get_url(request) if enrollment.course else "/")


@login_required
@require_POST
def complete_lesson(request, page_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=page_id)
    enrollment = get_object_or_404(Enrollment, user=request.user, course_key=lesson.course.translation_key,
                                   status__in=LEARNING_STATUSES)
    if lesson.has_assessment:
        messages.error(request, _("This lesson is completed by passing its assessment."))
        return redirect(lesson.get_url(request))
    lesson_mark_complete(enrollment=enrollment, lesson=lesson)
    lessons = [item for module in course_outline(course=lesson.course)["modules"] for item in module.lessons]
    following = next_lesson(lessons=lessons, done=completed_lesson_keys(enrollment=enrollment))
    enrollment.refresh_from_db()
    if enrollment.status == Enrollment.Status.COMPLETED:
        messages.success(request, _("Congratulations: you have completed the course."))
        return redirect(lesson.course.get_url(request))
    return redirect(following.get_url(request) if following else lesson.get_url(request))


@login_required
def dashboard(request):
    """"Mi aprendizaje": the learner's courses in progress, pending requests and completed courses."""
    from django.shortcuts import render

    from certificates.selectors import learner_certificates
    from enrolments.selectors import learner_dashboard
    from seminars.selectors import learner_seminars

    context = learner_dashboard(user=request.user)
    context["certificates"] = learner_certificates(user=request.user)
    context["seminars"] = learner_seminars(user=request.user)
    return render(request, "enrolments/dashboard.html", context)
