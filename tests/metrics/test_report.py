"""The PDF report for the Vice-Ministers' meeting: requested from the dashboard, rendered by a task."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from enrolments.models import Enrollment
from metrics.report import report_render, report_sweep
from metrics.report_models import MetricsReport
from tests.factories import UserFactory

pytestmark = pytest.mark.storage  # `make test-s3` runs these against S3 too


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    """Reports go to this test's own folder, or its own key prefix when the suite stores files in S3."""
    from tests.storage_backends import on_s3, own_prefix

    if on_s3():
        own_prefix(settings, "certificates")
        return None
    settings.STORAGES = {**settings.STORAGES, "certificates": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/not-served/"}}}
    return tmp_path / "private"


@pytest.fixture
def region(course_factory):
    """Completions in Mexico (3) and Guatemala (2) this year."""
    course = course_factory(title="Protección consular")
    now = timezone.now()
    for country, count in (("MX", 3), ("GT", 2)):
        for _ in range(count):
            user = UserFactory(role="Learner", country=country)
            Enrollment.objects.create(user=user, course=course, course_key=course.translation_key,
                                      status="completed", completed_at=now, country=country)
    return course


def _text(report: MetricsReport) -> str:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4
    return " ".join(page.extract_text() for page in reader.pages)


def _request(client, user, query: str, language: str = "en", capture=None):
    client.force_login(user)
    with capture(execute=True):
        return client.post(reverse("metrics:reports"), {"query": query, "language": language})


def test_secretariat_gets_a_pdf_of_the_region_for_a_year(client, secretariat, region,
                                                         django_capture_on_commit_callbacks):
    year = timezone.localdate().year
    response = _request(client, secretariat, f"period=year&year={year}", capture=django_capture_on_commit_callbacks)
    report = MetricsReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("metrics:report", args=[report.pk])
    assert report.status == MetricsReport.Status.DONE  # eager task ran on commit
    text = _text(report)
    assert "Capacity-building report" in text and f"{year}-01-01" in text
    assert "Mexico" in text and "Guatemala" in text
    assert client.get(reverse("metrics:report_download", args=[report.pk]))["Content-Type"] == "application/pdf"


def test_a_focal_point_report_covers_their_country_only(client, region, django_capture_on_commit_callbacks):
    focal_point = UserFactory(role="Country focal point", country="MX", focal_point_country="MX")
    response = _request(client, focal_point, "country=GT", capture=django_capture_on_commit_callbacks)
    assert not MetricsReport.objects.exists()  # not a country they may choose: refused with a message
    assert [str(m) for m in response.wsgi_request._messages]
    _request(client, focal_point, "", capture=django_capture_on_commit_callbacks)
    text = _text(MetricsReport.objects.latest("pk"))
    assert "Mexico" in text and "Guatemala" not in text


def test_invalid_filters_are_refused_with_a_message_and_nothing_is_queued(client, secretariat,
                                                                         django_capture_on_commit_callbacks):
    response = _request(client, secretariat, "period=custom&start=2026-05-01",
                        capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response.url.startswith(reverse("metrics:dashboard"))
    assert not MetricsReport.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages and "Choose a value for this period." in messages[0]


def test_only_the_requester_and_the_secretariat_download(client, secretariat, region,
                                                         django_capture_on_commit_callbacks):
    focal_point = UserFactory(role="Country focal point", country="MX", focal_point_country="MX")
    _request(client, focal_point, "", capture=django_capture_on_commit_callbacks)
    report = MetricsReport.objects.get()
    url = reverse("metrics:report_download", args=[report.pk])
    assert client.get(url).status_code == 200
    other = UserFactory(role="Country focal point", country="GT", focal_point_country="GT")
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(role="Learner", country="MX"))
    response = client.get(url)  # no admin access at all: sent to log in
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    client.force_login(secretariat)
    assert client.get(url).status_code == 200


def test_rendering_twice_keeps_one_file_and_the_sweep_requeues_stale_reports(secretariat, region):
    report = MetricsReport.objects.create(requested_by=secretariat, query="", language="fr")
    MetricsReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    assert report_sweep() == 1  # eager: the sweep's task renders it
    report.refresh_from_db()
    assert report.status == MetricsReport.Status.DONE
    first = report.pdf.name
    report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.pdf.name == first
    assert report_sweep() == 0
