"""The approval queue in the Wagtail admin: focal points (own country) and the Secretariat decide requests."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from courses.models import CoursePage
from enrolments.models import Enrollment
from enrolments.services import enrollment_approve, enrollment_nominate, enrollment_reject


def pending_for(user):
    """Pending requests the user may decide: all for the Secretariat, their own country for a focal point."""
    qs = Enrollment.objects.filter(status=Enrollment.Status.PENDING).select_related(
        "user", "institution", "course")
    if user.is_secretariat:
        return qs
    if user.is_focal_point:
        return qs.filter(country=user.focal_point_country)
    raise PermissionDenied


def queue(request):
    page = Paginator(pending_for(request.user).order_by("requested_at"), 50).get_page(request.GET.get("p"))
    return render(request, "enrolments/approvals/queue.html", {"page": page, "courses": _nominable_courses()})


def _nominable_courses():
    """Live courses, one language version each (the original language's)."""
    seen, courses = set(), []
    for course in CoursePage.objects.live().filter(alias_of__isnull=True).order_by("locale_id", "title"):
        if course.translation_key not in seen:
            seen.add(course.translation_key)
            courses.append(course)
    return sorted(courses, key=lambda course: course.title)


@require_POST
def nominate(request):
    """A focal point (own country) or the Secretariat enrols one official directly."""
    pending_for(request.user)  # refuses anyone who is neither
    email = request.POST.get("email", "").strip().lower()
    official = User.objects.filter(email__iexact=email).first()
    course = CoursePage.objects.live().filter(pk=request.POST.get("course") or 0).first()
    if official is None or course is None:
        messages.error(request, _("Choose a course and give the e-mail address of a registered official."))
        return redirect("enrolments_approvals:queue")
    try:
        enrollment_nominate(actor=request.user, user=official, course=course)
    except PermissionDenied:
        messages.error(request, _("You may only nominate officials of your own country."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is enrolled in “%(course)s”.") % {
            "name": official.full_name, "course": course.title})
    return redirect("enrolments_approvals:queue")


@require_POST
def decide(request, pk: int, decision: str):
    enrollment = get_object_or_404(pending_for(request.user), pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if decision == "approve":
            enrollment_approve(enrollment=enrollment, actor=request.user, reason=reason)
            messages.success(request, _("Approved: %(name)s.") % {"name": enrollment.user.full_name})
        else:
            enrollment_reject(enrollment=enrollment, actor=request.user, reason=reason)
            messages.success(request, _("Rejected: %(name)s.") % {"name": enrollment.user.full_name})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("enrolments_approvals:queue")
