"""Redis (the Celery broker) down: requests that queue tasks still answer, and nothing is lost.

The learner's request creates the certificate row (pending) and tries to queue its rendering; with the broker
unreachable the periodic sweep queues it later. E-mails are delivered in-process instead of queued.
"""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.tasks import certificate_sweep
from enrolments.models import Enrollment
from tests.certificates.conftest import enrol, lesson_of
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _complete_over_http(client, learner, course, capture):
    """POST the course's only lesson as done; the on-commit callbacks (event, queueing) run inside the timing."""
    client.force_login(learner)
    started = time.monotonic()
    with capture(execute=True):
        response = client.post(reverse("enrolments:complete_lesson", args=(lesson_of(course).pk,)))
    return response, time.monotonic() - started


def test_completing_a_course_answers_and_the_sweep_issues_the_certificate_later(
        client, course, broker_down, celery_email, django_capture_on_commit_callbacks):
    learner = UserFactory(country="GT")
    enrollment = enrol(learner, course)

    response, seconds = _complete_over_http(client, learner, course, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    # Two publishes fail (the certificate and the congratulation e-mail), each after kombu's publish retries.
    assert seconds < 5, f"the request took {seconds:.1f} s"
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.status == Certificate.Status.PENDING and not certificate.pdf
    # The e-mail could not be queued: it was delivered in-process rather than lost.
    assert [m.to for m in mail.outbox] == [[learner.email]]

    # The broker is back (tasks run eagerly here, as a worker would run them); the task was lost, so the
    # certificate is still pending until the sweep finds it (it leaves pending rows alone for five minutes).
    broker_down.back()
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_sweep.delay().get() == 0
    Certificate.objects.filter(pk=certificate.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_sweep.delay().get() == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert certificate.pdf.storage.exists(certificate.pdf.name)
    # A second sweep finds nothing to do: one certificate, one "issued" e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_sweep.delay().get() == 0
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    assert len(mail.outbox) == 2


def test_completion_without_a_row_is_repaired_by_the_sweep(course, broker_down, django_capture_on_commit_callbacks):
    """Even when the completing request died before the certificate row existed, the sweep creates and issues it."""
    learner = UserFactory(country="GT")
    enrollment = enrol(learner, course)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.COMPLETED, completed_at=timezone.now())
    broker_down.back()
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_sweep.delay().get() == 1
    assert Certificate.objects.get(enrollment=enrollment).status == Certificate.Status.VALID


def test_signup_and_password_reset_e_mails_are_delivered_without_a_broker(client, broker_down, celery_email,
                                                                         django_capture_on_commit_callbacks):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), {
            "email": "nueva@example.org", "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD,
            "full_name": "Nueva Oficial", "country": "HN", "position": "Agente", "gender": "female",
            "preferred_language": "es"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["nueva@example.org"]]  # the verification e-mail

    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nueva@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 2 and "/password/reset/key/" in mail.outbox[1].body
    assert time.monotonic() - started < 5


def test_a_hung_broker_does_not_hold_the_request(client, course, broker_down, silent_server, celery_email,
                                                 django_capture_on_commit_callbacks):
    """A Redis that accepts connections and never answers (hung, or a half-open connection through a NAT)."""
    import threading

    broker_down.point_to(f"redis://127.0.0.1:{silent_server.port}/0",
                         transport_options=dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS))
    learner = UserFactory(country="GT")
    enrol(learner, course)
    # Without socket timeouts the request would wait forever: after 20 s a watchdog closes the silent server,
    # which frees it (and fails this test on the time assertion instead of hanging the run).
    watchdog = threading.Timer(20, silent_server.close)
    watchdog.start()
    try:
        response, seconds = _complete_over_http(client, learner, course, django_capture_on_commit_callbacks)
    finally:
        watchdog.cancel()
    assert response.status_code == 302
    assert seconds < 12, f"the request waited {seconds:.1f} s for a hung broker"


def test_a_certificate_job_is_accepted_with_the_broker_down(course, broker_down, secretariat,
                                                            django_capture_on_commit_callbacks):
    """The Secretariat's request succeeds and the job waits; once the broker is back the sweep runs it."""
    from datetime import timedelta

    from certificates.bulk import job_create, job_sweep
    from certificates.models import CertificateJob

    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(user=secretariat, course=course, action=CertificateJob.Action.ISSUE_MISSING)
    assert CertificateJob.objects.get(pk=job.pk).status == CertificateJob.Status.QUEUED
    broker_down.back()
    assert job_sweep() == 0  # younger than ten minutes: its own task may still come
    assert job_sweep(older_than=timedelta(0)) == 1
    assert CertificateJob.objects.get(pk=job.pk).status == CertificateJob.Status.DONE
    assert job_sweep(older_than=timedelta(0)) == 0


def test_a_bulk_enrolment_upload_is_accepted_with_the_broker_down(course, broker_down,
                                                                  django_capture_on_commit_callbacks):
    """A focal point's upload is kept and validated by the sweep once the broker is back."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile

    from enrolments.bulk import JobStatus, bulk_job_create, bulk_job_sweep
    from tests.factories import UserFactory

    focal = UserFactory(role="Country focal point", country="MX", focal_point_country="MX")
    csv_file = SimpleUploadedFile("officials.csv", b"email,full_name,country,institution,position\n"
                                  b"ana@example.org,Ana Ruiz,MX,INM,Agente\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk_job_create(uploader=focal, upload=csv_file, course=course)
    assert job.status == JobStatus.UPLOADED
    broker_down.back()
    assert bulk_job_sweep(older_than=timedelta(0)) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.VALIDATED

