"""The approval queue in the Wagtail admin: focal points (own country) and the Secretariat decide requests."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enrolments.models import Enrollment
from enrolments.services import enrollment_approve, enrollment_reject


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
    return render(request, "enrolments/approvals/queue.html", {"page": page})


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
