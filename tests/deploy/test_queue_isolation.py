"""A burst of PDFs never delays an e-mail: real worker processes, one per queue as in docker-compose.yml, on a real
Redis broker (and PostgreSQL, which the certificate renders need)."""

import uuid

import psycopg
import pytest
from django.core.mail import send_mail
from django.db import connection
from django.utils import timezone
from kombu.exceptions import ChannelError
from psycopg import sql

from certificates.models import Certificate
from certificates.services import certificate_request
from certificates.tasks import certificate_render
from core.queue import enqueue
from core.tasks import email_send
from elearn.celery import app
from enrolments.models import Enrollment
from tests.browser.journey_worker import _database_url, _queue_forget, wait_for, worker_process
from tests.certificates.test_worker import _lesson_in_a_certificate_course
from tests.factories import UserFactory

pytestmark = pytest.mark.celery_worker
BURST = 4


def _queue_of(task) -> str:
    return app.amqp.router.route({}, task.name)["queue"].name


def _waiting(queue: str) -> int:
    """Messages in `queue` that no worker has taken yet."""
    with app.connection_for_read() as broker:
        try:
            return broker.default_channel.queue_declare(queue, passive=True).message_count
        except ChannelError:  # Redis keeps no empty queue
            return 0


@pytest.fixture
def queue_workers(redis_url, tmp_path):
    """Two workers as docker-compose runs them, each consuming only its own queue: `pdf` (test settings, the test
    database) and `email` (delivering into files under tmp_path)."""
    if connection.vendor != "postgresql":
        pytest.skip("the PDF worker needs the test database server: PostgreSQL (CI), not in-memory SQLite")
    pdf_queue, email_queue = _queue_of(certificate_render), _queue_of(email_send)
    for queue in (pdf_queue, email_queue):
        _queue_forget(redis_url, queue)  # nothing left over from an interrupted run
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    database = {"DATABASE_URL": _database_url(connection)}
    with (
        worker_process([pdf_queue], broker=redis_url, name="pdf",
                       env={"DJANGO_SETTINGS_MODULE": "elearn.settings.test", **database}) as pdf_worker,
        # The dev settings deliver through EMAIL_URL (the test settings keep e-mail in memory).
        worker_process([email_queue], broker=redis_url, name="email",
                       env={"DJANGO_SETTINGS_MODULE": "elearn.settings.dev", **database,
                            "EMAIL_URL": f"filemail:///{outbox}"}) as email_worker,  # environ drops one slash
    ):
        previous = app.conf.task_always_eager, app.conf.broker_url
        app.conf.task_always_eager, app.conf.broker_url = False, redis_url
        try:
            yield pdf_worker, email_worker, outbox
        finally:
            app.conf.task_always_eager, app.conf.broker_url = previous


def _pending_certificates(count: int) -> list[int]:
    lesson = _lesson_in_a_certificate_course()
    ids = []
    for _ in range(count):
        enrollment = Enrollment.objects.create(
            user=UserFactory(country="HN"), course_key=lesson.course.translation_key, course=lesson.course,
            status=Enrollment.Status.COMPLETED, completed_at=timezone.now(), country="HN")
        certificate = certificate_request(enrollment_id=enrollment.pk)
        assert certificate.status == Certificate.Status.PENDING
        ids.append(certificate.pk)
    return ids


def _blocked_by(pid: int) -> int:
    """How many database sessions are waiting for a lock that session `pid` holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [pid])
        return cursor.fetchone()[0]


def _delivered(outbox, subject: str) -> bool:
    return any(subject in path.read_text() for path in outbox.glob("*.log"))


@pytest.mark.django_db(transaction=True)
def test_an_email_goes_out_while_the_pdf_worker_is_stuck_on_a_burst(queue_workers, settings):
    pdf_worker, email_worker, outbox = queue_workers
    pdf_queue = _queue_of(certificate_render)
    ids = _pending_certificates(BURST)
    subject = f"Password reset {uuid.uuid4().hex[:6]}"
    try:
        with psycopg.connect(_database_url(connection)) as holder:
            # Another session locks the certificates' rows: every render waits for them, so the PDF worker is busy
            # for as long as the test wants, however fast the machine.
            holder.execute(sql.SQL("SELECT id FROM {} WHERE id = ANY(%s) FOR UPDATE").format(
                sql.Identifier(Certificate._meta.db_table)), [ids])
            for pk in ids:
                enqueue(certificate_render, pk)  # routed by the settings, as the platform queues them
            wait_for(lambda: _blocked_by(holder.info.backend_pid) == 1, process=pdf_worker,
                     what="taking the first certificate of the burst")
            # Prefetch 1: the rest of the burst waits in Redis, where any other PDF worker could take it.
            assert _waiting(pdf_queue) == BURST - 1

            settings.EMAIL_BACKEND = "core.mail.CeleryEmailBackend"  # the production path: queued after commit
            send_mail(subject, "Su enlace para cambiar la contraseña.", "no-reply@example.org", ["ana@example.org"])
            wait_for(lambda: _delivered(outbox, subject), process=email_worker, timeout=90, what="the e-mail")

            # Delivered while the whole burst is still undone: nothing rendered, three PDFs still queued.
            assert Certificate.objects.filter(pk__in=ids, status=Certificate.Status.PENDING).count() == BURST
            assert _waiting(pdf_queue) == BURST - 1
            assert _blocked_by(holder.info.backend_pid) == 1
            holder.rollback()  # let the PDF worker through

        wait_for(lambda: not Certificate.objects.filter(pk__in=ids, status=Certificate.Status.PENDING).exists(),
                 process=pdf_worker, timeout=120, what="the burst of certificates")
        assert set(Certificate.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
            Certificate.Status.VALID}
        assert _waiting(pdf_queue) == 0
    finally:
        for certificate in Certificate.objects.filter(pk__in=ids):
            if certificate.pdf:
                certificate.pdf.delete(save=False)
