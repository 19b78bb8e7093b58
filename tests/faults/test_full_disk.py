"""A full disk while a certificate's PDF is written: the task ends cleanly (a retry is scheduled; after the last
one the certificate stays pending for the sweep), no row references a missing or half-written file, no partial
file stays on disk, and a later run issues it."""

import errno
import hashlib
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from certificates import services, tasks
from certificates.models import Certificate
from tests.certificates.conftest import enrol, lesson_of
from tests.factories import UserFactory
from tests.faults.helpers import run_as_worker

pytestmark = pytest.mark.django_db


class FullDiskStorage(FileSystemStorage):
    """Writes the first half of each file, then fails as a full disk does (while `full` is set)."""

    full = False

    def _save(self, name, content):
        if not FullDiskStorage.full:
            return super()._save(name, content)
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.read()
        path.write_bytes(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device", str(path))


@pytest.fixture
def full_disk(monkeypatch, tmp_path):
    """The PDF field's storage (built once, when the model is imported) swapped for a FullDiskStorage."""
    root = tmp_path / "certificates"
    monkeypatch.setattr(Certificate._meta.get_field("pdf"), "storage", FullDiskStorage(location=str(root)))
    FullDiskStorage.full = True
    yield root
    FullDiskStorage.full = False


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _pending_certificate(course) -> Certificate:
    enrollment = enrol(UserFactory(country="GT"), course)
    enrollment.status = enrollment.Status.COMPLETED
    enrollment.save(update_fields=["status"])
    return services.certificate_request(enrollment_id=enrollment.pk)


def test_render_on_a_full_disk_retries_with_backoff_and_leaves_nothing_half_written(course, full_disk):
    certificate = _pending_certificate(course)
    countdowns = []
    for attempt in range(tasks.certificate_render.max_retries):
        outcome, countdown = run_as_worker(tasks.certificate_render, certificate.pk, retries=attempt)
        assert outcome == "retry"
        countdowns.append(countdown)
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.PENDING and not certificate.pdf
        assert _files(full_disk) == []
    # Exponential backoff with full jitter: 10 s, 20 s, ... capped at 600 s.
    assert all(0 <= c <= min(600, 10 * 2 ** n) for n, c in enumerate(countdowns)), countdowns
    # The last attempt gives up: the worker logs the error; the certificate stays pending for the sweep.
    with pytest.raises(OSError, match="No space left"):
        run_as_worker(tasks.certificate_render, certificate.pk, retries=tasks.certificate_render.max_retries)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.PENDING and _files(full_disk) == []

    FullDiskStorage.full = False  # space freed: the sweep's next run issues it
    assert run_as_worker(tasks.certificate_render, certificate.pk) == ("ok", "valid")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert _files(full_disk) == [certificate.pdf.name]
    assert hashlib.sha256((full_disk / certificate.pdf.name).read_bytes()).hexdigest() == certificate.pdf_sha256


def test_re_rendering_on_a_full_disk_keeps_the_valid_pdf(course, full_disk, django_capture_on_commit_callbacks):
    """Regenerating after a template change used to delete the valid PDF before writing the new one."""
    FullDiskStorage.full = False
    certificate = _pending_certificate(course)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    before = (certificate.pdf.name, certificate.pdf_sha256)

    FullDiskStorage.full = True
    with pytest.raises(OSError):
        services.certificate_rerender(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert (certificate.pdf.name, certificate.pdf_sha256) == before
    assert _files(full_disk) == [certificate.pdf.name]
    assert hashlib.sha256((full_disk / certificate.pdf.name).read_bytes()).hexdigest() == certificate.pdf_sha256

    FullDiskStorage.full = False
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_rerender(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert _files(full_disk) == [certificate.pdf.name]  # the new file only; the old one removed after commit
    assert hashlib.sha256((full_disk / certificate.pdf.name).read_bytes()).hexdigest() == certificate.pdf_sha256


def test_completing_a_course_on_a_full_disk_answers(client, course, full_disk, django_capture_on_commit_callbacks):
    """Tasks run eagerly here (the demo without a broker): the failure stays out of the learner's request."""
    learner = UserFactory(country="GT")
    enrollment = enrol(learner, course)
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enrolments:complete_lesson", args=(lesson_of(course).pk,)))
    assert response.status_code == 302
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.status == Certificate.Status.PENDING and not certificate.pdf
    assert _files(full_disk) == []
