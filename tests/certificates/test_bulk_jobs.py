"""Bulk jobs on a course's certificates: issue the missing ones, regenerate, download a ZIP; who may run them."""

import io
import zipfile

import pytest

from certificates.bulk import job_create
from certificates.models import Certificate, CertificateJob
from enrolments.models import Enrollment
from tests.certificates.conftest import enrol, pdf_text
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.storage]


def completers(course, count: int, country: str = "GT") -> list[Enrollment]:
    """Completed enrolments recorded without going through completion (as if the course had no template then)."""
    made = []
    for index in range(count):
        user = UserFactory(full_name=f"Oficial Número {index}", country=country)
        enrollment = enrol(user, course, country=country)
        Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.COMPLETED)
        made.append(enrollment)
    return made


def run(user, course, action, capture, **kwargs) -> CertificateJob:
    with capture(execute=True):
        job = job_create(user=user, course=course, action=action, **kwargs)
    job.refresh_from_db()
    return job


def test_issue_missing_reaches_every_completer_once(course, secretariat, django_capture_on_commit_callbacks):
    completers(course, 3)
    job = run(secretariat, course, CertificateJob.Action.ISSUE_MISSING, django_capture_on_commit_callbacks)
    assert (job.status, job.total, job.processed) == (CertificateJob.Status.DONE, 3, 3)
    assert Certificate.objects.filter(course_key=course.translation_key, status="valid").count() == 3
    again = run(secretariat, course, CertificateJob.Action.ISSUE_MISSING, django_capture_on_commit_callbacks)
    assert again.status == CertificateJob.Status.DONE
    assert Certificate.objects.filter(course_key=course.translation_key).count() == 3  # none twice


def test_regenerate_uses_the_current_template(certificate, course, secretariat, django_capture_on_commit_callbacks):
    template = certificate.template
    template.title_es = "Diploma renovado"
    template.save()
    old_sha = certificate.pdf_sha256
    job = run(secretariat, course, CertificateJob.Action.REGENERATE, django_capture_on_commit_callbacks)
    assert job.status == CertificateJob.Status.DONE and job.processed == 1
    certificate.refresh_from_db()
    assert "Diploma renovado" in pdf_text(certificate)
    assert certificate.pdf_sha256 != old_sha and certificate.status == "valid"


def test_zip_holds_the_selected_countrys_pdfs(course, secretariat, django_capture_on_commit_callbacks, client):
    completers(course, 2, country="GT")
    completers(course, 1, country="HN")
    run(secretariat, course, CertificateJob.Action.ISSUE_MISSING, django_capture_on_commit_callbacks)
    job = run(secretariat, course, CertificateJob.Action.ZIP, django_capture_on_commit_callbacks, country="GT")
    assert job.status == CertificateJob.Status.DONE and job.result
    with job.result.open("rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    codes = set(Certificate.objects.filter(country="GT").values_list("code", flat=True))
    assert len(names) == 2 and {name[-16:-4] for name in names} == codes

    client.force_login(secretariat)
    response = client.get(f"/admin/certificates/jobs/{job.pk}/zip/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"


def test_admin_form_progress_and_permissions(client, course, secretariat, trainer, learner,
                                             django_capture_on_commit_callbacks):
    completers(course, 1)
    client.force_login(trainer)  # not this course's trainer: the course is not offered to them
    response = client.post("/admin/certificates/jobs/", {"course": course.pk, "action": "issue_missing"})
    assert response.status_code == 200 and not CertificateJob.objects.exists()

    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/certificates/jobs/", {"course": course.pk, "action": "issue_missing"})
    job = CertificateJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/admin/certificates/jobs/{job.pk}/")
    status = client.get(f"/admin/certificates/jobs/{job.pk}/status/").json()
    assert (status["status"], status["total"], status["processed"], status["has_result"]) == ("done", 1, 1, False)
    assert "1" in status["message"]

    client.force_login(trainer)  # someone else's job
    assert client.get(f"/admin/certificates/jobs/{job.pk}/status/").status_code == 404
    client.force_login(learner)
    assert client.get("/admin/certificates/jobs/").status_code in (302, 403)
