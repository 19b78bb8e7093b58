"""A real Celery worker process renders a certificate end to end (PostgreSQL and Redis only)."""

import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from wagtail.models import Locale, Page

from certificates import tasks
from certificates.models import Certificate
from courses.models import CoursePage, LessonPage, ModulePage
from crm.models import ActionPlanLine
from elearn.celery import app
from enrolments.models import Enrollment
from enrolments.progress import lesson_mark_complete
from tests.certificates.conftest import pdf_text, template_with_signatory
from tests.factories import UserFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.storage]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def certificate_storage():
    """Overrides the conftest's tmp_path storage: the worker process writes where the test settings say
    (.test-media/certificates), and this process must read the PDF from the same place."""


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(redis_url):
    """`celery worker` on a private queue, on the test database. It runs the test settings (locmem e-mail, the
    same certificate storage): the dev settings would queue its e-mail to the shared default queue."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the test database server: PostgreSQL (CI), not in-memory SQLite")
    queue = f"test-certificates-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "elearn.settings.test", "CELERY_BROKER_URL": redis_url,
           "DATABASE_URL": _database_url()}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "elearn", "worker", "-Q", queue, "--pool", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    previous = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    try:
        yield queue, process
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _lesson_in_a_certificate_course() -> LessonPage:
    """Built from scratch: earlier transactional tests may have flushed the data migrations' rows."""
    Locale.objects.get_or_create(language_code="es")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    line, _ = ActionPlanLine.objects.get_or_create(slug="training", defaults={"name_es": "Capacitación"})
    course = root.add_child(instance=CoursePage(
        title="Curso con constancia", slug=f"curso-{uuid.uuid4().hex[:6]}", summary="Curso", action_plan_line=line,
        certificate_template=template_with_signatory(), estimated_hours=Decimal("12")))
    course.save_revision().publish()
    module = course.add_child(instance=ModulePage(title="Módulo", slug="modulo"))
    module.save_revision().publish()
    lesson = module.add_child(instance=LessonPage(title="Lección", slug="leccion",
                                                  body=[("paragraph", "<p>Texto</p>")]))
    lesson.save_revision().publish()
    return LessonPage.objects.get(pk=lesson.pk)


@pytest.mark.django_db(transaction=True)
def test_worker_renders_the_certificate_of_a_completed_course(worker):
    queue, process = worker
    lesson = _lesson_in_a_certificate_course()
    course = lesson.course
    learner = UserFactory(country="HN")
    enrollment = Enrollment.objects.create(user=learner, course_key=course.translation_key, course=course,
                                           status=Enrollment.Status.ACTIVE, country="HN")
    published = []

    def publish_to_private_queue(*args):
        published.append(tasks.certificate_render.apply_async(args, queue=queue))

    with mock.patch.object(tasks.certificate_render, "delay", side_effect=publish_to_private_queue):
        lesson_mark_complete(enrollment=enrollment, lesson=lesson)  # commits: the on-commit callbacks run here
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert len(published) == 1, "the certificate task was not published"

    certificate = Certificate.objects.get(enrollment=enrollment)
    deadline = time.monotonic() + 60
    while certificate.status == Certificate.Status.PENDING:
        if process.poll() is not None:
            pytest.fail(f"worker exited early: {process.stdout.read()}")
        if time.monotonic() > deadline:
            pytest.fail("the worker did not render the certificate within 60 s")
        time.sleep(0.5)
        certificate.refresh_from_db()

    try:
        assert certificate.status == Certificate.Status.VALID
        assert certificate.rendered_at is not None
        text = pdf_text(certificate)
        assert learner.full_name in text
        assert course.title in text
        assert certificate.display_code in text
    finally:
        if certificate.pdf:
            certificate.pdf.delete(save=False)
