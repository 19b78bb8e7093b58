"""Seminar registration requests in the Wagtail admin: focal points (own country) and the Secretariat decide and
nominate, as for courses."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from seminars.models import Registration, SeminarPage
from seminars.services import registration_decide, registration_nominate


def pending_for(user):
    """Requests the user may decide: all for the Secretariat, their own country's for a focal point."""
    qs = Registration.objects.filter(status=Registration.Status.PENDING).select_related("user", "seminar",
                                                                                          "institution")
    if user.is_secretariat or user.is_superuser:
        return qs
    if user.is_focal_point:
        return qs.filter(country=user.focal_point_country)
    raise PermissionDenied


def _open_seminars():
    """Upcoming live seminars, one language version each."""
    seen, seminars = set(), []
    for seminar in SeminarPage.objects.live().filter(ends_at__gte=timezone.now()).order_by("locale_id", "starts_at"):
        if seminar.translation_key not in seen:
            seen.add(seminar.translation_key)
            seminars.append(seminar)
    return sorted(seminars, key=lambda seminar: seminar.starts_at)


def queue(request):
    pending = pending_for(request.user).order_by("requested_at")[:200]
    return render(request, "seminars/admin/queue.html", {"pending": pending, "seminars": _open_seminars()})


@require_POST
def nominate(request):
    pending_for(request.user)  # refuses anyone who is neither a focal point nor the Secretariat
    official = User.objects.filter(email__iexact=request.POST.get("email", "").strip()).first()
    seminar = SeminarPage.objects.live().filter(pk=request.POST.get("seminar") or 0).first()
    if official is None or seminar is None:
        messages.error(request, _("Choose a seminar and give the e-mail address of a registered official."))
        return redirect("seminars_requests:queue")
    try:
        registration = registration_nominate(actor=request.user, user=official, seminar=seminar)
    except PermissionDenied:
        messages.error(request, _("You can only nominate officials of your own country."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s: %(status)s (“%(seminar)s”).") % {
            "name": official.full_name, "status": registration.get_status_display(), "seminar": seminar.title})
    return redirect("seminars_requests:queue")


@require_POST
def decide(request, pk: int, decision: str):
    registration = get_object_or_404(pending_for(request.user), pk=pk)
    try:
        registration_decide(actor=request.user, registration=registration, approve=decision == "approve",
                            reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decision recorded for %(name)s.") % {"name": registration.user.full_name})
    return redirect("seminars_requests:queue")
