"""Bulk work on a course's certificates: issue the missing ones, regenerate PDFs, or pack them in a ZIP."""

import tempfile
import zipfile

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import services
from certificates.models import Certificate, CertificateJob
from core.queue import enqueue_on_commit

PROGRESS_EVERY = 10


def job_create(*, user, course, action: str, country: str = "") -> CertificateJob:
    """Record the job and queue it after commit."""
    from certificates.tasks import certificate_job_run

    job = CertificateJob.objects.create(action=action, course_key=course.translation_key, course_title=course.title,
                                        country=country or "", created_by=user)
    enqueue_on_commit(certificate_job_run, job.pk)
    return job


def job_sweep(*, older_than=None) -> int:
    """Queue again the jobs still waiting after ten minutes (the broker was down when they were created); a job
    already started ignores the second delivery. Returns how many were queued."""
    from datetime import timedelta

    from certificates.tasks import certificate_job_run

    cutoff = timezone.now() - (timedelta(minutes=10) if older_than is None else older_than)
    waiting = list(CertificateJob.objects.filter(status=CertificateJob.Status.QUEUED, created_at__lte=cutoff)
                   .values_list("pk", flat=True)[:100])
    for pk in waiting:
        certificate_job_run.delay(pk)
    return len(waiting)


def _progress(job: CertificateJob, processed: int) -> None:
    CertificateJob.objects.filter(pk=job.pk).update(processed=processed)


def _certificates(job: CertificateJob):
    certificates = Certificate.objects.filter(course_key=job.course_key, status=Certificate.Status.VALID)
    return certificates.filter(country=job.country) if job.country else certificates


def job_run(*, job_id: int) -> CertificateJob:
    """Run a queued job (a second delivery of the same job finds it started and does nothing)."""
    updated = CertificateJob.objects.filter(pk=job_id, status=CertificateJob.Status.QUEUED).update(
        status=CertificateJob.Status.RUNNING)
    job = CertificateJob.objects.get(pk=job_id)
    if not updated:
        return job
    try:
        runner = {CertificateJob.Action.ISSUE_MISSING: _issue_missing, CertificateJob.Action.REGENERATE: _regenerate,
                  CertificateJob.Action.ZIP: _zip}[job.action]
        message = runner(job)
    except Exception as error:
        CertificateJob.objects.filter(pk=job.pk).update(status=CertificateJob.Status.FAILED, message=str(error)[:2000],
                                                        finished_at=timezone.now())
        raise
    CertificateJob.objects.filter(pk=job.pk).update(status=CertificateJob.Status.DONE, message=message,
                                                    finished_at=timezone.now())
    job.refresh_from_db()
    return job


def _issue_missing(job: CertificateJob) -> str:
    from enrolments.models import Enrollment

    completed = Enrollment.objects.filter(course_key=job.course_key, status=Enrollment.Status.COMPLETED)
    if job.country:
        completed = completed.filter(country=job.country)
    ids = list(completed.values_list("pk", flat=True))
    CertificateJob.objects.filter(pk=job.pk).update(total=len(ids))
    issued = 0
    for index, enrollment_id in enumerate(ids, start=1):
        certificate = services.certificate_request(enrollment_id=enrollment_id)
        if certificate is not None and certificate.status == Certificate.Status.PENDING:
            services.certificate_render(certificate_id=certificate.pk)
            issued += 1
        if index % PROGRESS_EVERY == 0:
            _progress(job, index)
    _progress(job, len(ids))
    return _("%(issued)d certificates issued; %(others)d completers already had one.") % {
        "issued": issued, "others": len(ids) - issued}


def _regenerate(job: CertificateJob) -> str:
    ids = list(_certificates(job).values_list("pk", flat=True))
    CertificateJob.objects.filter(pk=job.pk).update(total=len(ids))
    for index, certificate_id in enumerate(ids, start=1):
        services.certificate_rerender(certificate_id=certificate_id)
        if index % PROGRESS_EVERY == 0:
            _progress(job, index)
    _progress(job, len(ids))
    return _("%(count)d certificates regenerated with the current template.") % {"count": len(ids)}


def _zip(job: CertificateJob) -> str:
    """Pack the PDFs into a ZIP in the certificates storage. It is built in a spooled buffer (memory, or an
    anonymous temporary file the system removes when it is closed), so nothing is left behind on any outcome."""
    certificates = list(_certificates(job).exclude(pdf="").order_by("learner_name", "pk"))
    CertificateJob.objects.filter(pk=job.pk).update(total=len(certificates))
    storage = job.result.storage
    name = f"jobs/certificates-{job.pk}.zip"
    if storage.exists(name):
        storage.delete(name)
    with tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024) as buffer:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for index, certificate in enumerate(certificates, start=1):
                safe = "".join(c if c.isalnum() else "-" for c in certificate.learner_name).strip("-")[:60]
                with certificate.pdf.open("rb") as pdf:
                    archive.writestr(f"{safe}-{certificate.code}.pdf", pdf.read())
                if index % PROGRESS_EVERY == 0:
                    _progress(job, index)
        buffer.seek(0)
        name = storage.save(name, File(buffer, name=name))
    _progress(job, len(certificates))
    CertificateJob.objects.filter(pk=job.pk).update(result=name)
    return _("%(count)d certificates in the ZIP file.") % {"count": len(certificates)}


def job_progress(job: CertificateJob) -> dict:
    return {"status": job.status, "total": job.total, "processed": job.processed, "message": job.message,
            "has_result": bool(job.result)}
