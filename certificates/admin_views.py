"""Admin views of certificate bulk jobs: choose a course and an action, watch the progress, download the ZIP."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from certificates import bulk
from certificates.models import CertificateJob


def _courses_for(user):
    """Courses whose certificates the user may manage: every course for the Secretariat, own courses for trainers."""
    from courses.models import CoursePage

    courses = CoursePage.objects.filter(certificate_template__isnull=False).order_by("title")
    if user.is_superuser or user.is_secretariat:
        return courses
    return courses.filter(trainers=user)


class JobForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=None)
    action = forms.ChoiceField(label=_("Action"), choices=CertificateJob.Action.choices,
                               widget=forms.RadioSelect)
    country = CountryField(blank=True).formfield(label=_("Only officials of this country (optional)"),
                                                 required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = _courses_for(user)


def _allowed(user) -> bool:
    return user.is_superuser or user.is_secretariat or user.is_trainer


def _job(request, pk: int) -> CertificateJob:
    job = get_object_or_404(CertificateJob, pk=pk)
    if not (request.user.is_superuser or request.user.is_secretariat or job.created_by_id == request.user.pk):
        raise Http404
    return job


def job_new(request):
    if not _allowed(request.user):
        raise PermissionDenied
    form = JobForm(request.POST or None, user=request.user, initial={"course": request.GET.get("course")})
    if request.method == "POST" and form.is_valid():
        job = bulk.job_create(user=request.user, course=form.cleaned_data["course"],
                              action=form.cleaned_data["action"], country=form.cleaned_data["country"] or "")
        return redirect("certificates_job", pk=job.pk)
    jobs = CertificateJob.objects.all() if (request.user.is_superuser or request.user.is_secretariat) else \
        CertificateJob.objects.filter(created_by=request.user)
    return TemplateResponse(request, "certificates/admin/job_new.html", {"form": form, "jobs": jobs[:20]})


def job_detail(request, pk: int):
    job = _job(request, pk)
    return TemplateResponse(request, "certificates/admin/job.html", {"job": job, **bulk.job_progress(job)})


def job_status(request, pk: int):
    return JsonResponse(bulk.job_progress(_job(request, pk)))


def job_download(request, pk: int):
    job = _job(request, pk)
    if not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=f"certificates-{job.pk}.zip",
                        content_type="application/zip")
