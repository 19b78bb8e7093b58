"""Wagtail admin views of bulk enrolment (courses) and registration (seminars): upload, progress (polled as
JSON), report, apply or discard."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from enrolments import bulk
from enrolments.bulk_models import BulkEnrolmentJob
from enrolments.bulk_targets import bulk_courses_for, bulk_seminars_for

REPORT_PAGE_SIZE = 200


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Language versions share a title; the language tells them apart (all enrol in the same course).
        return f"{obj.title} ({obj.locale.language_code})"


class SeminarChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        starts = formats.date_format(timezone.localtime(obj.starts_at, obj.zone), "SHORT_DATE_FORMAT")
        return f"{obj.title} — {starts} ({obj.locale.language_code})"


class BulkUploadForm(forms.Form):
    """A file of officials and its target: a course or a seminar, among those the uploader may choose."""

    course = CourseChoiceField(
        label=gettext_lazy("Course"), required=False, queryset=None,
        help_text=gettext_lazy("Every official in the file is enrolled in this course."),
    )
    seminar = SeminarChoiceField(
        label=gettext_lazy("or seminar"), required=False, queryset=None,
        help_text=gettext_lazy("Every official in the file is registered for this seminar; when it is full, they "
                               "join its waiting list."),
    )
    file = forms.FileField(
        label=gettext_lazy("File of officials"),
        help_text=gettext_lazy("CSV (UTF-8; comma or semicolon) or Excel .xlsx with the columns email, full_name, "
                               "country (ISO code, e.g. GT), institution, position and, optionally, gender."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = bulk_courses_for(user).select_related("locale").order_by("title")
        self.fields["seminar"].queryset = (bulk_seminars_for(user).select_related("locale")
                                           .order_by("starts_at", "title"))

    def clean(self):
        cleaned = super().clean()
        if not self.errors.get("course") and not self.errors.get("seminar") \
                and bool(cleaned.get("course")) == bool(cleaned.get("seminar")):
            raise ValidationError(_("Choose either a course or a seminar."))
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > bulk.MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than 5 MB; split it into smaller files."))
        return upload


def _forbidden():
    # Wagtail turns a raised PermissionDenied into a redirect to the dashboard; these views answer 403.
    return HttpResponseForbidden(_("Only country focal points and the Technical Secretariat may bulk-enrol."))


def _job(request, pk: int) -> BulkEnrolmentJob:
    return get_object_or_404(bulk.bulk_jobs_for(request.user), pk=pk)


def job_list(request):
    if not bulk.can_bulk_enrol(request.user):
        return _forbidden()
    jobs = Paginator(bulk.bulk_jobs_for(request.user), 50).get_page(request.GET.get("p"))
    return TemplateResponse(request, "enrolments/bulk/job_list.html", {"jobs": jobs})


def job_upload(request):
    if not bulk.can_bulk_enrol(request.user):
        return _forbidden()
    # ?seminar=<id> (the link on the seminar registrations page) or ?course=<id> preselects the target.
    initial = {name: request.GET[name] for name in ("course", "seminar") if request.GET.get(name, "").isdigit()}
    form = BulkUploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = bulk.bulk_job_create(uploader=request.user, course=form.cleaned_data["course"],
                                       seminar=form.cleaned_data["seminar"], upload=form.cleaned_data["file"])
        except PermissionDenied:
            return _forbidden()
        return redirect("enrolments_bulk:progress", pk=job.pk)
    return TemplateResponse(request, "enrolments/bulk/upload.html", {
        "form": form, "columns": bulk.REQUIRED_COLUMNS + bulk.OPTIONAL_COLUMNS,
        "scope_country": "" if request.user.is_secretariat else request.user.focal_point_country,
    })


def job_progress(request, pk: int):
    if not bulk.can_bulk_enrol(request.user):
        return _forbidden()
    job = _job(request, pk)
    return TemplateResponse(request, "enrolments/bulk/progress.html", {"job": job, **bulk.job_progress(job)})


def job_status(request, pk: int):
    if not bulk.can_bulk_enrol(request.user):
        return JsonResponse({"error": "forbidden"}, status=403)
    return JsonResponse(bulk.job_progress(_job(request, pk)))


def job_report(request, pk: int):
    if not bulk.can_bulk_enrol(request.user):
        return _forbidden()
    job = _job(request, pk)
    rows = job.report.get("rows", [])
    outcome = request.GET.get("outcome", "")
    labels = bulk.outcome_labels(job)
    if outcome in labels:
        rows = [row for row in rows if row["outcome"] == outcome]
    page = Paginator(rows, REPORT_PAGE_SIZE).get_page(request.GET.get("p"))
    return TemplateResponse(request, "enrolments/bulk/report.html", {
        "job": job, "page": page, "outcome": outcome, "labels": labels,
        "counts": [(key, labels[key], job.counts.get(key, 0)) for key in labels],
        "can_apply": job.status == BulkEnrolmentJob.Status.VALIDATED and job.applicable_count > 0
        and not job.report.get("file_error"),
        "can_discard": job.status in (BulkEnrolmentJob.Status.VALIDATED, BulkEnrolmentJob.Status.FAILED),
    })


@require_POST
def job_apply(request, pk: int):
    if not bulk.can_bulk_enrol(request.user):
        return _forbidden()
    job = _job(request, pk)
    try:
        bulk.bulk_job_request_apply(job=job, actor=request.user, skip_errors=bool(request.POST.get("skip_errors")))
    except PermissionDenied:
        return _forbidden()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("enrolments_bulk:report", pk=job.pk)
    return redirect("enrolments_bulk:progress", pk=job.pk)


@require_POST
def job_discard(request, pk: int):
    if not bulk.can_bulk_enrol(request.user):
        return _forbidden()
    job = _job(request, pk)
    try:
        bulk.bulk_job_discard(job=job, actor=request.user)
    except PermissionDenied:
        return _forbidden()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("enrolments_bulk:report", pk=job.pk)
    messages.success(request, _("Nothing was applied; the upload was discarded."))
    return redirect("enrolments_bulk:list")
