"""Registering and withdrawing, calendar files, and the organisers' attendance roster."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from seminars import services
from seminars.calendar import seminar_ics, seminars_feed
from seminars.models import Attendance, Registration, SeminarPage
from seminars.selectors import (
    is_organiser,
    registration_for,
    seminar_page_state,
    seminar_visible_to,
    visible_seminars_q,
)


def _seminar(request, pk: int) -> SeminarPage:
    seminar = get_object_or_404(SeminarPage.objects.live(), pk=pk)
    if not seminar_visible_to(request.user, seminar):
        raise Http404
    return seminar


@login_required
@require_POST
def register(request, pk: int):
    seminar = _seminar(request, pk)
    try:
        registration = services.registration_request(user=request.user, seminar=seminar)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, {
            Registration.Status.CONFIRMED: _("Your place is confirmed."),
            Registration.Status.WAITLISTED: _("The seminar is full: you are on the waiting list."),
            Registration.Status.PENDING: _("Your request was sent to your country's focal point."),
        }.get(registration.status, _("Registration recorded.")))
    return redirect(seminar.get_url(request))


@login_required
@require_POST
def withdraw(request, pk: int):
    seminar = _seminar(request, pk)
    registration = registration_for(user=request.user, seminar=seminar)
    if registration is None:
        raise Http404
    services.registration_withdraw(user=request.user, registration=registration)
    messages.success(request, _("You withdrew from the seminar."))
    return redirect(seminar.get_url(request))


@require_GET
def event_ics(request, pk: int):
    seminar = _seminar(request, pk)
    show_link = seminar_page_state(seminar=seminar, user=request.user)["show_link"]
    response = HttpResponse(seminar_ics(seminar, show_link=show_link), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="seminar-{seminar.pk}.ics"'
    return response


@require_GET
def feed_ics(request):
    seminars = (SeminarPage.objects.live().filter(ends_at__gte=timezone.now(), locale__language_code="es")
                .filter(visible_seminars_q(request.user)).distinct().order_by("starts_at"))
    return HttpResponse(seminars_feed(seminars), content_type="text/calendar; charset=utf-8")


@login_required
def roster(request, pk: int):
    """Attendance per session for the seminar's organisers (one checkbox grid; works on a tablet). Focal points see
    the roster of their own country's officials, read-only."""
    seminar = get_object_or_404(SeminarPage.objects.live(), pk=pk)
    organiser = is_organiser(user=request.user, seminar=seminar)
    focal_country = request.user.focal_point_country if request.user.is_focal_point else None
    if not organiser and not focal_country:
        raise PermissionDenied
    registrations = (Registration.objects.filter(seminar_key=seminar.translation_key,
                                                 status=Registration.Status.CONFIRMED)
                     .select_related("user").order_by("user__full_name", "pk"))
    if not organiser:
        registrations = registrations.filter(country=focal_country)
    registrations = list(registrations)
    sessions = seminar.session_list
    if request.method == "POST" and request.FILES.get("csv"):
        if not organiser:
            raise PermissionDenied
        upload = request.FILES["csv"]
        try:
            if upload.size > 2 * 1024 * 1024:
                raise ValidationError(_("The file is larger than 2 MB."))
            changed = services.attendance_import(actor=request.user, seminar=seminar, content=upload.read())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Attendance imported (%(count)d changes).") % {"count": changed})
        return redirect("seminars:roster", pk=seminar.pk)
    if request.method == "POST":
        if not organiser:
            raise PermissionDenied
        marks = {(r.pk, str(s.key)): f"present-{r.pk}-{s.key}" in request.POST
                 for r in registrations for s in sessions}
        try:
            services.attendance_mark(actor=request.user, seminar=seminar, marks=marks)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance saved."))
        return redirect("seminars:roster", pk=seminar.pk)
    present = set(Attendance.objects.filter(registration__in=registrations, present=True)
                  .values_list("registration_id", "session_key"))
    rows = [{"registration": r, "cells": [{"session": s, "present": (r.pk, s.key) in present} for s in sessions]}
            for r in registrations]
    return render(request, "seminars/roster.html", {"seminar": seminar, "sessions": sessions, "rows": rows,
                                                    "editable": organiser})
