"""Certificate fixtures: a template with a signatory, a course that issues it, and a learner who completed it."""

import io

import pytest
from pypdf import PdfReader

from certificates.models import Certificate, CertificateSignatory, CertificateTemplate
from courses.models import LessonPage
from enrolments.models import Enrollment
from enrolments.progress import lesson_mark_complete
from tests.courses.conftest import catalog, make_course, publish  # noqa: F401


@pytest.fixture(autouse=True)
def certificate_storage(settings, tmp_path):
    """Each test writes its PDFs under its own tmp_path, or its own key prefix when the suite stores files in S3
    (S3_TEST_SERVER=1); the settings fixture resets the storages cache."""
    from tests.storage_backends import on_s3, own_prefix

    if on_s3():
        own_prefix(settings, "certificates")
        return None
    settings.STORAGES = {**settings.STORAGES, "certificates": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "certificates"), "base_url": "/certificates-not-served/"},
    }}
    return tmp_path / "certificates"


def template_with_signatory(**fields) -> CertificateTemplate:
    template = CertificateTemplate.objects.create(name=fields.pop("name", "T"), **fields)
    CertificateSignatory.objects.create(template=template, name="Rosa Firmante", position="Secretaria Técnica",
                                        sort_order=0)
    return template


@pytest.fixture
def certificate_template(db) -> CertificateTemplate:
    return template_with_signatory()


def course_issuing(catalog, template, *, title: str = "Protección internacional"):  # noqa: F811
    """A published one-lesson course whose completers receive `template`."""
    course = make_course(catalog, title=title, lessons=1)
    course.certificate_template = template
    return publish(course)


@pytest.fixture
def course(catalog, certificate_template):  # noqa: F811
    return course_issuing(catalog, certificate_template)


def lesson_of(course) -> LessonPage:
    return LessonPage.objects.live().descendant_of(course).get()


def enrol(user, course, *, country: str = "") -> Enrollment:
    return Enrollment.objects.create(user=user, course_key=course.translation_key, course=course,
                                     status=Enrollment.Status.ACTIVE, country=country or user.country)


def complete(enrollment: Enrollment, capture) -> Enrollment:
    """Complete the enrolment's only lesson, running the on-commit callbacks (the event, the eager task)."""
    with capture(execute=True):
        lesson_mark_complete(enrollment=enrollment, lesson=lesson_of(enrollment.course))
    enrollment.refresh_from_db()
    return enrollment


@pytest.fixture
def completed(learner, course, django_capture_on_commit_callbacks) -> Enrollment:
    """The learner's completed enrolment in `course` (its certificate already rendered: tasks are eager)."""
    enrollment = complete(enrol(learner, course), django_capture_on_commit_callbacks)
    assert enrollment.status == Enrollment.Status.COMPLETED
    return enrollment


@pytest.fixture
def certificate(completed) -> Certificate:
    return Certificate.objects.get(enrollment=completed)


def pdf_reader(certificate: Certificate) -> PdfReader:
    with certificate.pdf.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def pdf_text(certificate: Certificate) -> str:
    """Page 1's text with runs of whitespace collapsed (layout breaks lines anywhere)."""
    return " ".join(pdf_reader(certificate).pages[0].extract_text().split())
