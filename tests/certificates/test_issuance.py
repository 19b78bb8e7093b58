"""Issuing certificates on course completion: once, rendered, e-mailed; broker outages; reissue and revoke."""

import hashlib
import threading
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError
from wagtail.models import Locale, ModelLogEntry, Page

from certificates import services, tasks
from certificates.models import Certificate, CertificateTemplate
from courses.models import CoursePage
from crm.models import ActionPlanLine
from elearn.celery import app
from enrolments.models import Enrollment
from tests.certificates.conftest import (
    complete,
    course_issuing,
    enrol,
    lesson_of,
    pdf_reader,
    pdf_text,
    template_with_signatory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.storage  # `make test-s3` runs these against S3 too
A4_LONG, A4_SHORT = 842, 595


def certificate_emails(certificate: Certificate) -> list:
    return [message for message in mail.outbox
            if message.to == [certificate.user.email] and f"/certificates/verify/{certificate.code}/" in message.body]


def page_size(certificate: Certificate) -> tuple[float, float]:
    box = pdf_reader(certificate).pages[0].mediabox
    return float(box.width), float(box.height)


# --- Completion issues one rendered certificate ---------------------------------------------------------------


def test_completion_issues_one_rendered_certificate(completed, learner, course):
    certificate = Certificate.objects.get()
    assert certificate.enrollment == completed
    assert certificate.user == learner
    assert certificate.status == Certificate.Status.VALID
    assert certificate.rendered_at is not None
    assert certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name)

    text = pdf_text(certificate)
    assert learner.full_name in text
    assert course.title in text
    assert certificate.display_code in text
    assert len(certificate.display_code) == 14 and certificate.display_code.count("-") == 2

    with certificate.pdf.open("rb") as handle:
        assert certificate.pdf_sha256 == hashlib.sha256(handle.read()).hexdigest()

    sent = certificate_emails(certificate)
    assert len(sent) == 1
    assert f"http://testserver/certificates/verify/{certificate.code}/" in sent[0].body


def test_default_template_is_a4_landscape(certificate):
    width, height = page_size(certificate)
    assert width == pytest.approx(A4_LONG, abs=1)
    assert height == pytest.approx(A4_SHORT, abs=1)


def test_portrait_template_from_completion(catalog, learner, django_capture_on_commit_callbacks):
    template = template_with_signatory(orientation=CertificateTemplate.Orientation.PORTRAIT)
    course = course_issuing(catalog, template)
    complete(enrol(learner, course), django_capture_on_commit_callbacks)
    width, height = page_size(Certificate.objects.get())
    assert (round(width), round(height)) == (A4_SHORT, A4_LONG)


def test_bilingual_template_has_both_titles(catalog, learner, django_capture_on_commit_callbacks):
    template = template_with_signatory(second_language="en")
    course = course_issuing(catalog, template)
    complete(enrol(learner, course), django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()
    assert (certificate.language, certificate.second_language) == ("es", "en")
    text = pdf_text(certificate)
    assert template.title_es in text
    assert template.title_en in text
    assert "Awarded to" in text and "Se otorga a" in text


def test_course_without_template_issues_nothing(catalog, learner, django_capture_on_commit_callbacks):
    from tests.courses.conftest import make_course

    course = make_course(catalog, title="Sin constancia", lessons=1)
    enrollment = complete(enrol(learner, course), django_capture_on_commit_callbacks)
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert not Certificate.objects.exists()
    assert services.certificate_request(enrollment_id=enrollment.pk) is None


def test_active_enrolment_gets_no_certificate(learner, course):
    enrollment = enrol(learner, course)
    assert services.certificate_request(enrollment_id=enrollment.pk) is None
    assert not Certificate.objects.exists()


# --- Idempotence ----------------------------------------------------------------------------------------------


def test_completion_reported_again_and_task_retried_change_nothing(completed, django_capture_on_commit_callbacks):
    first = Certificate.objects.get()
    emails = len(certificate_emails(first))

    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_on_course_completed(enrollment_id=completed.pk)
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.certificate_render.apply(args=[first.pk])
    assert result.successful()
    assert result.result == Certificate.Status.VALID

    again = Certificate.objects.get()
    assert again.pk == first.pk
    assert again.code == first.code
    assert again.pdf_sha256 == first.pdf_sha256
    assert again.rendered_at == first.rendered_at
    assert len(certificate_emails(again)) == emails == 1


def test_render_of_missing_certificate_reports_it(db):
    assert tasks.certificate_render.apply(args=[987654]).result == "missing"


# --- Concurrent completion reports (PostgreSQL) ---------------------------------------------------------------


def _completed_enrolment_from_scratch() -> Enrollment:
    """A completed enrolment built without the data migrations' rows (earlier transactional tests may have
    flushed every table)."""
    Locale.objects.get_or_create(language_code="es")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    line, _ = ActionPlanLine.objects.get_or_create(slug="training", defaults={"name_es": "Capacitación"})
    template = template_with_signatory()
    course = root.add_child(instance=CoursePage(title="Curso disputado", slug="curso-disputado", summary="Curso",
                                                action_plan_line=line, certificate_template=template,
                                                estimated_hours=Decimal("6")))
    course.save_revision().publish()
    user = UserFactory()
    return Enrollment.objects.create(user=user, course_key=course.translation_key, course=course,
                                     status=Enrollment.Status.COMPLETED, completed_at=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_concurrent_completion_reports_issue_one_certificate():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them; CI runs this against PostgreSQL)")
    enrollment = _completed_enrolment_from_scratch()
    reports = 20
    barrier = threading.Barrier(reports)
    results, errors = [], []

    def report():
        try:
            barrier.wait(timeout=30)
            certificate = services.certificate_request(enrollment_id=enrollment.pk)
            results.append(certificate.pk)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=report) for _ in range(reports)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == reports
    assert Certificate.objects.filter(user=enrollment.user).count() == 1
    assert set(results) == {Certificate.objects.get().pk}


# --- Broker outage and the sweep ------------------------------------------------------------------------------


@contextmanager
def broker_down():
    """Tasks are published, not run eagerly, and publishing fails as it does when Redis is unreachable."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    error = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    try:
        with mock.patch.object(tasks.certificate_render, "delay", side_effect=error) as delay:
            yield delay
    finally:
        app.conf.task_always_eager = previous


def test_broker_outage_does_not_fail_completion_and_the_sweep_issues_later(
        client, learner, course, django_capture_on_commit_callbacks):
    enrollment = enrol(learner, course)
    lesson = lesson_of(course)
    client.force_login(learner)
    with broker_down() as delay, django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/enrolments/lesson/{lesson.pk}/complete/")
    assert response.status_code == 302
    assert response["Location"] == course.get_url()
    assert delay.called
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.PENDING
    assert not certificate.pdf

    # The broker is back (eager again). A fresh pending row is left to its own task; a stale one is swept.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificate_sweep() == 0
    assert Certificate.objects.get().status == Certificate.Status.PENDING

    Certificate.objects.filter(pk=certificate.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificate_sweep() == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert learner.full_name in pdf_text(certificate)
    assert len(certificate_emails(certificate)) == 1
    assert Certificate.objects.count() == 1


def test_sweep_issues_certificate_missing_for_a_completed_enrolment(
        catalog, learner, django_capture_on_commit_callbacks):
    from tests.courses.conftest import make_course, publish

    course = make_course(catalog, title="Constancia tardía", lessons=1)
    enrollment = complete(enrol(learner, course), django_capture_on_commit_callbacks)
    assert not Certificate.objects.exists()

    course.certificate_template = template_with_signatory()
    publish(course)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificate_sweep() == 1
    certificate = Certificate.objects.get()
    assert certificate.enrollment == enrollment
    assert certificate.status == Certificate.Status.VALID
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificate_sweep() == 0
    assert Certificate.objects.count() == 1


# --- Reissue and revoke ---------------------------------------------------------------------------------------


def test_reissue_supersedes_with_a_corrected_certificate(certificate, secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_reissue(certificate=certificate, user=secretariat, learner_name="Corrected Name")
    certificate.refresh_from_db()
    new.refresh_from_db()
    assert certificate.status == Certificate.Status.SUPERSEDED
    assert certificate.superseded_by == new
    assert new.code != certificate.code
    assert new.status == Certificate.Status.VALID
    assert new.learner_name == "Corrected Name"
    assert new.user_id == certificate.user_id and new.course_key == certificate.course_key
    assert "Corrected Name" in pdf_text(new)
    assert new.pdf_sha256 != certificate.pdf_sha256
    assert len(certificate_emails(new)) == 1

    entry = ModelLogEntry.objects.get(action="certificates.reissue")
    assert entry.object_id == str(certificate.pk)
    assert entry.user_id == secretariat.pk
    assert entry.data == {"new_code": new.code}

    with pytest.raises(ValidationError):
        services.certificate_reissue(certificate=certificate, user=secretariat, learner_name="Again")
    assert Certificate.objects.count() == 2


def test_revoke_requires_a_reason(certificate, secretariat):
    for reason in ("", "   "):
        with pytest.raises(ValidationError):
            services.certificate_revoke(certificate=certificate, user=secretariat, reason=reason)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert certificate.revoked_at is None
    assert certificate.revoked_reason == ""
    assert not ModelLogEntry.objects.filter(action="certificates.revoke").exists()


def test_revoke_records_date_reason_and_audit_entry(certificate, secretariat):
    services.certificate_revoke(certificate=certificate, user=secretariat, reason="  Obtained by fraud ")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == "Obtained by fraud"
    entry = ModelLogEntry.objects.get(action="certificates.revoke")
    assert entry.object_id == str(certificate.pk)
    assert entry.user_id == secretariat.pk
    assert entry.data == {"reason": "Obtained by fraud"}

    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=certificate, user=secretariat, reason="Twice")
    assert ModelLogEntry.objects.filter(action="certificates.revoke").count() == 1
