"""Bulk enrolment by upload: parsing, validation, all-or-nothing apply, scoping, invitations, 5,000 rows."""

import io
import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from accounts.models import User
from accounts.roles import Role
from enrolments import bulk
from enrolments.bulk_models import BulkEnrolmentJob
from enrolments.models import Enrollment
from enrolments.services import EnrollmentError, enrollment_nominate
from enrolments.tasks import bulk_enrolment_apply, bulk_enrolment_validate
from tests.courses.conftest import make_course
from tests.factories import InstitutionFactory, UserFactory

Status = BulkEnrolmentJob.Status
HEADER = "email,full_name,country,institution,position,gender"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def english():
    # Reasons are asserted in English: the uploaders below read English, and so does this test process.
    with translation.override("en"):
        yield


@pytest.fixture
def secretariat(db):
    return UserFactory(role="Secretariat", country="CR", preferred_language="en")


@pytest.fixture
def institutions(db):
    return {
        "GT": InstitutionFactory(name="Instituto Guatemalteco de Migración", country="GT"),
        "MX": InstitutionFactory(name="Instituto Nacional de Migración", country="MX"),
    }


@pytest.fixture
def course(catalog):
    return make_course(catalog, title="Protección consular", lessons=1)


@pytest.fixture
def focal_point_gt(db):
    return UserFactory(role="Country focal point", country="GT", focal_point_country="GT", preferred_language="en")


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *lines]).encode(encoding)


def good_lines():
    return [
        "ana.lopez@migracion.gob.gt,Ana López,GT,Instituto Guatemalteco de Migración,Inspectora,female",
        "bruno.paz@migracion.gob.gt,Bruno Paz,gt,instituto guatemalteco de migración,Delegado,",
        "carla.ruiz@inm.gob.mx,Carla Ruiz,MX,Instituto Nacional de Migración,Agente,undisclosed",
    ]


def validate(raw: bytes, course, *, name: str = "officials.csv", scope: str = ""):
    rows = bulk.rows_read(raw=raw, name=name)
    return {r.row: r for r in bulk.rows_validate(rows=rows, course=course, scope_country=scope)}


def make_job(uploader, course, raw: bytes, name: str = "officials.csv") -> BulkEnrolmentJob:
    job = bulk.bulk_job_create(uploader=uploader, course=course, upload=SimpleUploadedFile(name, raw))
    bulk_enrolment_validate(job.pk)
    job.refresh_from_db()
    return job


def invitations() -> list:
    return [m for m in mail.outbox if "/password/reset/key/" in m.body]


def apply(job, actor, *, skip_errors=False) -> BulkEnrolmentJob:
    bulk.bulk_job_request_apply(job=job, actor=actor, skip_errors=skip_errors)
    bulk_enrolment_apply(job.pk)
    job.refresh_from_db()
    return job


# --- Parsing and validation ------------------------------------------------------------------------------

def test_good_rows(course, institutions):
    existing = UserFactory(email="Carla.Ruiz@inm.gob.mx", country="MX")
    results = validate(csv_bytes(*good_lines()), course)
    assert [results[n].outcome for n in (2, 3, 4)] == ["create", "create", "enrol"]
    assert results[4].user_id == existing.pk
    assert results[3].data["gender"] == "" and results[2].institution_id == institutions["GT"].pk


def test_semicolon_delimiter_and_bom(course, institutions):
    raw = "\ufeff" + HEADER.replace(",", ";") + "\n" + good_lines()[0].replace(",", ";")
    results = validate(raw.encode("utf-8"), course)
    assert results[2].outcome == "create", results[2].reason


def test_malformed_rows_and_duplicates(course, institutions):
    enrolled = UserFactory(email="ya@migracion.gob.gt", country="GT")
    enrollment_nominate(actor=UserFactory(role="Secretariat"), user=enrolled, course=course)
    raw = csv_bytes(
        "no-es-un-correo,Sin Correo,GT,Instituto Guatemalteco de Migración,Agente,",  # 2
        "zz@example.org,País Falso,ZZ,Instituto Guatemalteco de Migración,Agente,",  # 3
        "jp@example.org,No CRM,JP,Instituto Guatemalteco de Migración,Agente,",  # 4
        "inst@example.org,Institución,GT,Ministerio Inexistente,Agente,",  # 5
        "dup@example.org,Primera,GT,Instituto Guatemalteco de Migración,Agente,",  # 6
        "DUP@example.org,Segunda,GT,Instituto Guatemalteco de Migración,Agente,",  # 7
        "gen@example.org,Género,GT,Instituto Guatemalteco de Migración,Agente,robot",  # 8
        "ya@migracion.gob.gt,Ya Inscrito,GT,Instituto Guatemalteco de Migración,Agente,",  # 9
        ",,,,,",  # blank rows are skipped
        ",Sin correo,GT,Instituto Guatemalteco de Migración,Agente,",  # 11
    )
    results = validate(raw, course)
    errors = {n for n, r in results.items() if r.outcome == "error"}
    assert errors == {2, 3, 4, 5, 7, 8, 11}
    assert results[6].outcome == "create"
    assert results[9].outcome == "already"
    assert "more than once" in results[7].reason
    assert "ZZ" in results[3].reason and "JP" in results[4].reason
    assert "Ministerio Inexistente" in results[5].reason
    assert 10 not in results


@pytest.mark.parametrize(("raw", "name", "message"), [
    (csv_bytes("a@b.org,A,GT,X,Y", header="email,full_name,country,position"), "f.csv", "institution"),
    (b"", "f.csv", "empty"),
    (b"\n \n", "f.csv", "empty"),
    (HEADER.encode(), "f.csv", "no officials"),
    (csv_bytes("jose@example.org,José Muñoz,GT,Instituto Guatemalteco de Migración,Agente,",
               encoding="latin-1"), "f.csv", "CSV UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "f.png", "not a CSV or XLSX"),
    (b"PK\x03\x04 not really a zip", "f.xlsx", "not a CSV or XLSX"),
])
def test_file_level_errors(db, raw, name, message):
    with pytest.raises(bulk.BulkFileError, match=message):
        bulk.rows_read(raw=raw, name=name)


def test_missing_column_named_in_job_report(course, institutions, secretariat):
    job = make_job(secretariat, course, csv_bytes("a@b.org,A,GT,Y", header="email,full_name,country,position"))
    assert job.status == Status.VALIDATED
    assert "“institution”" in job.report["file_error"]
    assert job.report["rows"] == []
    with pytest.raises(Exception, match="cannot be applied"):
        bulk.bulk_job_request_apply(job=job, actor=secretariat)


def test_xlsx_same_content(course, institutions):
    workbook = Workbook()
    sheet = workbook.active
    for line in [HEADER, *good_lines(), "no-es-un-correo,X,GT,Instituto Guatemalteco de Migración,Agente,"]:
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    from_xlsx = validate(buffer.getvalue(), course, name="officials.xlsx")
    from_csv = validate(csv_bytes(*good_lines(), "no-es-un-correo,X,GT,Instituto Guatemalteco de Migración,"
                                                 "Agente,"), course)
    assert {n: r.outcome for n, r in from_xlsx.items()} == {n: r.outcome for n, r in from_csv.items()}
    assert from_xlsx[5].outcome == "error"


def test_course_window_seats_and_audience(catalog, institutions):
    from datetime import timedelta

    from django.utils import timezone

    closed = make_course(catalog, title="Cerrado", lessons=1,
                         enrolment_closes=timezone.now() - timedelta(days=1))
    assert all(r.outcome == "error" and "closed" in r.reason for r in validate(csv_bytes(*good_lines()),
                                                                              closed).values())
    small = make_course(catalog, title="Pequeño", lessons=1, seat_limit=2)
    outcomes = [r.outcome for r in validate(csv_bytes(*good_lines()), small).values()]
    assert outcomes == ["create", "create", "error"]
    network = make_course(catalog, title="Red", lessons=1, audience="network",
                          audience_network=__import__("crm.models", fromlist=["Network"]).Network.objects.first())
    assert all(r.outcome == "error" for r in validate(csv_bytes(*good_lines()), network).values())


# --- Applying --------------------------------------------------------------------------------------------

def test_apply_creates_accounts_enrols_and_invites(client, course, institutions, secretariat):
    existing = UserFactory(email="carla.ruiz@inm.gob.mx", country="MX")
    job = make_job(secretariat, course, csv_bytes(*good_lines()))
    assert job.counts == {"create": 2, "enrol": 1, "already": 0, "error": 0}
    mail.outbox.clear()
    job = apply(job, secretariat)
    assert job.status == Status.APPLIED, job.failure_reason
    ana = User.objects.get(email="ana.lopez@migracion.gob.gt")
    assert not ana.has_usable_password()
    assert ana.has_role(Role.LEARNER) and ana.institution == institutions["GT"] and ana.gender == "female"
    assert EmailAddress.objects.filter(user=ana, verified=True, primary=True).exists()
    assert Enrollment.objects.filter(course_key=course.translation_key, status="active").count() == 3
    assert Enrollment.objects.get(user=existing).nominated_by == secretariat
    # Only new accounts are invited to choose a password.
    assert sorted(m.to[0] for m in invitations()) == ["ana.lopez@migracion.gob.gt", "bruno.paz@migracion.gob.gt"]
    sent = len(mail.outbox)
    # Running the task again does nothing.
    bulk_enrolment_apply(job.pk)
    bulk_enrolment_validate(job.pk)
    assert User.objects.filter(email__endswith="gob.gt").count() == 2 and len(mail.outbox) == sent

    # The invitation's link lets the official choose a password.
    message = next(m for m in invitations() if m.to == ["ana.lopez@migracion.gob.gt"])
    assert "Protección consular" in message.body
    url = re.search(r"https?://\S+", message.body).group(0)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    set_password_url = response.redirect_chain[-1][0] if response.redirect_chain else url
    response = client.post(set_password_url, {"password1": "Quetzal-Seguro-2026", "password2": "Quetzal-Seguro-2026"})
    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.check_password("Quetzal-Seguro-2026")
    assert client.login(email="ana.lopez@migracion.gob.gt", password="Quetzal-Seguro-2026")


def test_errors_need_explicit_choice_then_only_valid_rows_apply(course, institutions, secretariat):
    job = make_job(secretariat, course, csv_bytes(*good_lines(), "bad,X,GT,Instituto Guatemalteco de Migración,A,"))
    assert job.counts["error"] == 1
    with pytest.raises(Exception, match="confirm"):
        bulk.bulk_job_request_apply(job=job, actor=secretariat)
    job.refresh_from_db()
    assert job.status == Status.VALIDATED
    job = apply(job, secretariat, skip_errors=True)
    assert job.status == Status.APPLIED
    assert Enrollment.objects.filter(course_key=course.translation_key).count() == 3


def test_discard_applies_nothing(course, institutions, secretariat):
    job = make_job(secretariat, course, csv_bytes(*good_lines()))
    bulk.bulk_job_discard(job=job, actor=secretariat)
    job.refresh_from_db()
    assert job.status == Status.DISCARDED
    with pytest.raises(Exception, match="cannot be applied"):
        bulk.bulk_job_request_apply(job=job, actor=secretariat)
    assert not User.objects.filter(email__endswith=".gob.gt").exists()


def test_failure_mid_apply_leaves_nothing_half_applied(course, institutions, secretariat, monkeypatch, settings,
                                                       django_capture_on_commit_callbacks):
    # The real backend queues each e-mail on commit, so mail from rolled-back rows must never leave.
    settings.EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
    job = make_job(secretariat, course, csv_bytes(*good_lines()))
    calls = []

    def failing_nominate(**kwargs):
        calls.append(kwargs["user"].email)
        if len(calls) == 3:
            raise EnrollmentError("This course is full.")
        return enrollment_nominate(**kwargs)

    monkeypatch.setattr("enrolments.services.enrollment_nominate", failing_nominate)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = apply(job, secretariat)
    assert len(calls) == 3
    assert job.status == Status.FAILED
    assert "Row 4" in job.failure_reason and "full" in job.failure_reason
    assert not User.objects.filter(email__in=[line.split(",")[0] for line in good_lines()]).exists()
    assert not Enrollment.objects.filter(course_key=course.translation_key).exists()
    assert mail.outbox == []


def test_unexpected_error_mid_apply_rolls_back_and_is_reported(course, institutions, secretariat, monkeypatch):
    job = make_job(secretariat, course, csv_bytes(*good_lines()))

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("enrolments.services.enrollment_nominate", broken)
    with pytest.raises(RuntimeError):
        apply(job, secretariat)
    job.refresh_from_db()
    assert job.status == Status.FAILED and "nothing was applied" in job.failure_reason
    assert not User.objects.filter(email="ana.lopez@migracion.gob.gt").exists()


def test_seats_running_out_meanwhile_fails_whole_job(catalog, institutions, secretariat):
    course = make_course(catalog, title="Cupo", lessons=1, seat_limit=3)
    job = make_job(secretariat, course, csv_bytes(*good_lines()))
    assert job.counts["create"] == 3
    enrollment_nominate(actor=secretariat, user=UserFactory(country="GT"), course=course)
    job = apply(job, secretariat)
    assert job.status == Status.FAILED
    assert "No seat left" in job.failure_reason
    assert Enrollment.objects.filter(course_key=course.translation_key).count() == 1
    assert not User.objects.filter(email="ana.lopez@migracion.gob.gt").exists()


# --- Scoping and views -----------------------------------------------------------------------------------

def test_focal_point_only_own_country(course, institutions, focal_point_gt):
    mexican = UserFactory(email="mx.official@inm.gob.mx", country="MX")
    job = make_job(focal_point_gt, course, csv_bytes(
        *good_lines(), "mx.official@inm.gob.mx,Oficial MX,GT,Instituto Guatemalteco de Migración,Agente,"))
    outcomes = {row["row"]: row["outcome"] for row in job.report["rows"]}
    assert outcomes == {2: "create", 3: "create", 4: "error", 5: "error"}
    job = apply(job, focal_point_gt, skip_errors=True)
    assert job.status == Status.APPLIED
    assert not Enrollment.objects.filter(user=mexican).exists()
    assert set(Enrollment.objects.values_list("country", flat=True)) == {"GT"}


def _post_upload(client, course, raw, capture, name="officials.csv"):
    with capture(execute=True):
        return client.post(reverse("enrolments_bulk:upload"),
                           {"course": course.pk, "file": SimpleUploadedFile(name, raw)})


def test_admin_views_flow(client, course, institutions, focal_point_gt, django_capture_on_commit_callbacks):
    client.force_login(focal_point_gt)
    assert client.get(reverse("enrolments_bulk:upload")).status_code == 200
    response = _post_upload(client, course, csv_bytes(*good_lines()), django_capture_on_commit_callbacks)
    job = BulkEnrolmentJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("enrolments_bulk:progress", args=[job.pk])
    assert client.get(response.url).status_code == 200
    status = client.get(reverse("enrolments_bulk:status", args=[job.pk])).json()
    assert status == {"status": "validated", "processed": 3, "total": 3}
    report = client.get(reverse("enrolments_bulk:report", args=[job.pk]))
    assert report.status_code == 200
    assert b"carla.ruiz@inm.gob.mx" in report.content
    assert reverse("enrolments_bulk:apply", args=[job.pk]).encode() in report.content
    assert client.get(reverse("enrolments_bulk:list")).status_code == 200
    # One error row: applying without the explicit choice is refused.
    response = client.post(reverse("enrolments_bulk:apply", args=[job.pk]))
    job.refresh_from_db()
    assert response.status_code == 302 and job.status == Status.VALIDATED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enrolments_bulk:apply", args=[job.pk]), {"skip_errors": "1"})
    job.refresh_from_db()
    assert job.status == Status.APPLIED, job.failure_reason
    assert client.get(reverse("enrolments_bulk:status", args=[job.pk])).json()["status"] == "applied"


def test_other_uploaders_jobs_are_404_secretariat_sees_all(client, course, institutions, focal_point_gt,
                                                          focal_point_mx, secretariat):
    job = make_job(focal_point_gt, course, csv_bytes(*good_lines()))
    client.force_login(focal_point_mx)
    for name in ("progress", "status", "report"):
        assert client.get(reverse(f"enrolments_bulk:{name}", args=[job.pk])).status_code == 404
    for name in ("apply", "discard"):
        assert client.post(reverse(f"enrolments_bulk:{name}", args=[job.pk]), {"skip_errors": "1"}).status_code == 404
    assert job.original_name.encode() not in client.get(reverse("enrolments_bulk:list")).content
    client.force_login(secretariat)
    assert client.get(reverse("enrolments_bulk:report", args=[job.pk])).status_code == 200
    assert job.original_name.encode() in client.get(reverse("enrolments_bulk:list")).content


def test_trainers_get_403_learners_are_refused(client, course, institutions, secretariat, trainer, learner):
    job = make_job(secretariat, course, csv_bytes(*good_lines()))
    urls = [reverse("enrolments_bulk:list"), reverse("enrolments_bulk:upload")] + [
        reverse(f"enrolments_bulk:{name}", args=[job.pk]) for name in ("progress", "status", "report")]
    client.force_login(trainer)
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("enrolments_bulk:apply", args=[job.pk]), {"skip_errors": "1"}).status_code == 403
    client.force_login(learner)
    for url in urls:
        # Learners have no Wagtail admin access at all: Wagtail's own guard answers before these views.
        assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403, url
        assert client.get(url).status_code == 302
    job.refresh_from_db()
    assert job.status == Status.VALIDATED


# --- 5,000 rows ------------------------------------------------------------------------------------------

def _big_file(rows: int) -> bytes:
    lines = [f"oficial{n}@migracion.gob.gt,Oficial {n},GT,Instituto Guatemalteco de Migración,Agente,"
             for n in range(rows)]
    return csv_bytes(*lines)


def test_5000_rows_validate_fast_with_constant_queries(course, institutions, secretariat):
    # A fifth of the officials already have accounts, and some of those are already enrolled.
    User.objects.bulk_create([User(email=f"oficial{n}@migracion.gob.gt", full_name=f"Oficial {n}", country="GT")
                              for n in range(0, 5000, 5)])
    Enrollment.objects.bulk_create([
        Enrollment(user=user, course_key=course.translation_key, status="active", country="GT")
        for user in User.objects.filter(email__startswith="oficial")[:100]])

    def queries_for(rows: int) -> tuple[int, float, BulkEnrolmentJob]:
        job = bulk.bulk_job_create(uploader=secretariat, course=course,
                                   upload=SimpleUploadedFile("big.csv", _big_file(rows)))
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            bulk.bulk_job_validate(job_id=job.pk)
        elapsed = time.perf_counter() - started
        job.refresh_from_db()
        return len(ctx.captured_queries), elapsed, job

    small_queries, _, _ = queries_for(10)
    big_queries, elapsed, job = queries_for(5000)
    assert big_queries == small_queries
    assert job.status == Status.VALIDATED and job.processed == job.total == 5000
    assert job.counts == {"create": 4000, "enrol": 900, "already": 100, "error": 0}
    assert elapsed < 20, f"validating 5,000 rows took {elapsed:.1f}s"
    print(f"\n5,000-row validation: {elapsed:.2f}s, {big_queries} queries")


def test_5000_rows_validation_query_ceiling(course, institutions, secretariat, django_assert_max_num_queries):
    job = bulk.bulk_job_create(uploader=secretariat, course=course,
                               upload=SimpleUploadedFile("big.csv", _big_file(5000)))
    with django_assert_max_num_queries(25):
        bulk.bulk_job_validate(job_id=job.pk)


def test_upload_form_refuses_other_extensions(client, course, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("enrolments_bulk:upload"),
                           {"course": course.pk, "file": SimpleUploadedFile("officials.pdf", b"%PDF-1.4")})
    assert response.status_code == 200 and not BulkEnrolmentJob.objects.exists()
    assert "csv" in response.context["form"].errors["file"][0]


def test_stored_file_under_bulk_and_corrupt_xlsx_is_a_file_error(course, secretariat):
    job = make_job(secretariat, course, b"PK\x03\x04" + b"\x00" * 64, name="officials.xlsx")
    assert job.file.name.startswith("bulk/")
    assert job.status == Status.VALIDATED and "not a CSV or XLSX" in job.report["file_error"]
