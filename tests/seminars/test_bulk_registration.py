"""Bulk registration for seminars through the course importer: validation, waiting list, scoping, query count."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from accounts.models import User
from crm.models import Network
from enrolments import bulk
from enrolments.bulk_models import BulkEnrolmentJob
from enrolments.tasks import bulk_enrolment_apply, bulk_enrolment_validate
from seminars.models import Registration
from tests.courses.conftest import make_course
from tests.factories import InstitutionFactory, UserFactory
from tests.seminars.conftest import confirmed

Status = BulkEnrolmentJob.Status
HEADER = "email,full_name,country,institution,position,gender"
IGM = "Instituto Guatemalteco de Migración"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def institutions(db):
    return {"GT": InstitutionFactory(name=IGM, country="GT"),
            "MX": InstitutionFactory(name="Instituto Nacional de Migración", country="MX")}


@pytest.fixture
def focal_point_gt(db):
    return UserFactory(role="Country focal point", country="GT", focal_point_country="GT", preferred_language="en")


@pytest.fixture
def focal_point_mx_en(focal_point_mx):
    focal_point_mx.preferred_language = "en"
    focal_point_mx.save(update_fields=["preferred_language"])
    return focal_point_mx


def csv_bytes(*lines: str) -> bytes:
    return "\n".join([HEADER, *lines]).encode()


def gt_lines(*names: str) -> list[str]:
    return [f"{name}@migracion.gob.gt,{name.title()} Pérez,GT,{IGM},Inspector," for name in names]


def make_job(uploader, seminar, raw: bytes, name: str = "participants.csv") -> BulkEnrolmentJob:
    job = bulk.bulk_job_create(uploader=uploader, seminar=seminar, upload=SimpleUploadedFile(name, raw))
    bulk_enrolment_validate(job.pk)
    job.refresh_from_db()
    return job


def apply(job, actor, capture, *, skip_errors=False) -> BulkEnrolmentJob:
    with capture(execute=True):
        bulk.bulk_job_request_apply(job=job, actor=actor, skip_errors=skip_errors)
        bulk_enrolment_apply(job.pk)
    job.refresh_from_db()
    return job


def rows(job) -> dict[int, dict]:
    return {row["row"]: row for row in job.report["rows"]}


def xlsx_bytes(*lines: str) -> bytes:
    workbook = Workbook()
    for line in [HEADER, *lines]:
        workbook.active.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Validation ------------------------------------------------------------------------------------------

def test_every_row_checked_with_a_clear_reason_and_nothing_written(seminar_factory, institutions, focal_point_gt,
                                                                   django_capture_on_commit_callbacks):
    seminar = seminar_factory(registration_policy="approval")
    registered = UserFactory(email="ya.registrada@migracion.gob.gt", country="GT")
    confirmed(registered, seminar)
    waiting = UserFactory(email="en.espera@migracion.gob.gt", country="GT")
    Registration.objects.create(user=waiting, seminar=seminar, seminar_key=seminar.translation_key,
                                status=Registration.Status.PENDING, country="GT")
    job = make_job(focal_point_gt, seminar, csv_bytes(
        *gt_lines("ana"),  # 2
        f"no-es-un-correo,Sin Correo,GT,{IGM},Agente,",  # 3
        "carla.ruiz@inm.gob.mx,Carla Ruiz,MX,Instituto Nacional de Migración,Agente,",  # 4: not the focal point's
        f"ANA@migracion.gob.gt,Ana Otra,GT,{IGM},Agente,",  # 5: duplicate of row 2
        f"ya.registrada@migracion.gob.gt,Ya Registrada,GT,{IGM},Agente,",  # 6
        f"en.espera@migracion.gob.gt,En Espera,GT,{IGM},Agente,",  # 7
    ))
    assert job.status == Status.VALIDATED
    report = rows(job)
    assert {n: r["outcome"] for n, r in report.items()} == {
        2: "create", 3: "error", 4: "error", 5: "error", 6: "already", 7: "already"}
    assert "not a valid e-mail address" in report[3]["reason"]
    assert "only enrol officials of GT" in report[4]["reason"]
    assert "more than once" in report[5]["reason"]
    assert report[6]["reason"] == "Already registered for this seminar."
    assert "waiting for approval" in report[7]["reason"]
    assert job.counts == {"create": 1, "enrol": 0, "waitlist": 0, "already": 2, "error": 3}

    # With rows in error, nothing is applied until the uploader says to skip them.
    with pytest.raises(Exception, match="confirm"):
        bulk.bulk_job_request_apply(job=job, actor=focal_point_gt)
    job.refresh_from_db()
    assert job.status == Status.VALIDATED
    assert not User.objects.filter(email="ana@migracion.gob.gt").exists()
    assert Registration.objects.filter(seminar_key=seminar.translation_key).count() == 2

    job = apply(job, focal_point_gt, django_capture_on_commit_callbacks, skip_errors=True)
    assert job.status == Status.APPLIED, job.failure_reason
    ana = User.objects.get(email="ana@migracion.gob.gt")
    # A focal point's bulk upload is a nomination: confirmed at once, even under the approval policy.
    registration = Registration.objects.get(user=ana)
    assert registration.status == Registration.Status.CONFIRMED and registration.decided_by == focal_point_gt
    assert Registration.objects.get(user=waiting).status == Registration.Status.PENDING


def test_audience_and_deadline_refuse_rows(seminar_factory, institutions, focal_point_gt):
    network = Network.objects.first()
    member = UserFactory(email="miembro@migracion.gob.gt", country="GT")
    network.members.add(member)
    restricted = seminar_factory(audience="network", audience_network=network)
    job = make_job(focal_point_gt, restricted, csv_bytes(
        *gt_lines("nuevo"), f"miembro@migracion.gob.gt,Miembro,GT,{IGM},Agente,"))
    report = rows(job)
    assert report[2]["outcome"] == "error"
    assert report[2]["reason"] == "This seminar is not open to this official (audience restriction)."
    assert report[3]["outcome"] == "enrol"

    closed = seminar_factory(registration_deadline=timezone.now() - timedelta(hours=1))
    job = make_job(focal_point_gt, closed, csv_bytes(*gt_lines("ana", "bruno")))
    assert {r["outcome"] for r in job.report["rows"]} == {"error"}
    assert {r["reason"] for r in job.report["rows"]} == {"Registration for this seminar has closed."}
    with pytest.raises(Exception, match="No row can be applied"):
        bulk.bulk_job_request_apply(job=job, actor=focal_point_gt, skip_errors=True)


# --- Applying --------------------------------------------------------------------------------------------

def test_apply_registers_creates_accounts_and_invites(seminar_factory, institutions, focal_point_gt,
                                                      django_capture_on_commit_callbacks):
    seminar = seminar_factory(registration_policy="invitation")
    existing = UserFactory(email="bruno@migracion.gob.gt", country="GT", preferred_language="en")
    job = make_job(focal_point_gt, seminar, csv_bytes(*gt_lines("ana", "bruno")))
    assert job.counts == {"create": 1, "enrol": 1, "waitlist": 0, "already": 0, "error": 0}
    mail.outbox.clear()
    job = apply(job, focal_point_gt, django_capture_on_commit_callbacks)
    assert job.status == Status.APPLIED, job.failure_reason
    ana = User.objects.get(email="ana@migracion.gob.gt")
    assert not ana.has_usable_password() and ana.institution == institutions["GT"]
    statuses = dict(Registration.objects.filter(seminar_key=seminar.translation_key)
                    .values_list("user__email", "status"))
    assert statuses == {"ana@migracion.gob.gt": "confirmed", "bruno@migracion.gob.gt": "confirmed"}
    assert Registration.objects.get(user=ana).country == "GT"
    # The new account gets one invitation naming the seminar; the existing one gets the usual confirmation.
    to_ana = [m for m in mail.outbox if m.to == [ana.email]]
    assert len(to_ana) == 1 and "/password/reset/key/" in to_ana[0].body and seminar.title in to_ana[0].body
    assert any(m.to == [existing.email] and "confirmed" in m.subject for m in mail.outbox)
    # A second run of the task changes nothing.
    sent = len(mail.outbox)
    bulk_enrolment_apply(job.pk)
    assert Registration.objects.filter(seminar_key=seminar.translation_key).count() == 2 and len(mail.outbox) == sent


def test_xlsx_upload_gives_the_csv_outcomes_and_applies(seminar_factory, institutions, focal_point_gt,
                                                        django_capture_on_commit_callbacks):
    seminar = seminar_factory()
    lines = [*gt_lines("ana", "bruno"), f"malo,X,GT,{IGM},Agente,"]
    from_csv = make_job(focal_point_gt, seminar, csv_bytes(*lines))
    from_xlsx = make_job(focal_point_gt, seminar, xlsx_bytes(*lines), name="participants.xlsx")
    assert [r["outcome"] for r in from_xlsx.report["rows"]] == [r["outcome"] for r in from_csv.report["rows"]] \
        == ["create", "create", "error"]
    bulk.bulk_job_discard(job=from_csv, actor=focal_point_gt)
    job = apply(from_xlsx, focal_point_gt, django_capture_on_commit_callbacks, skip_errors=True)
    assert job.status == Status.APPLIED, job.failure_reason
    assert Registration.objects.filter(seminar_key=seminar.translation_key, status="confirmed").count() == 2


def test_full_seminar_puts_rows_on_the_waiting_list_never_over_capacity(seminar_factory, institutions,
                                                                        focal_point_gt,
                                                                        django_capture_on_commit_callbacks):
    seminar = seminar_factory(capacity=2)
    confirmed(UserFactory(country="GT"), seminar)
    existing = UserFactory(email="carla@migracion.gob.gt", country="GT")
    job = make_job(focal_point_gt, seminar, csv_bytes(*gt_lines("ana", "bruno", "carla")))
    report = rows(job)
    assert [report[n]["outcome"] for n in (2, 3, 4)] == ["create", "waitlist", "waitlist"]
    assert "waiting list" in report[3]["reason"] and "new account" in report[3]["reason"]
    assert report[4]["reason"] == "The seminar is full: this official joins the waiting list."
    assert job.applicable_count == 3
    mail.outbox.clear()
    job = apply(job, focal_point_gt, django_capture_on_commit_callbacks)
    assert job.status == Status.APPLIED, job.failure_reason
    statuses = dict(Registration.objects.filter(user__email__endswith="@migracion.gob.gt")
                    .values_list("user__email", "status"))
    assert statuses == {"ana@migracion.gob.gt": "confirmed", "bruno@migracion.gob.gt": "waitlisted",
                        "carla@migracion.gob.gt": "waitlisted"}
    assert Registration.objects.filter(seminar_key=seminar.translation_key, status="confirmed").count() == 2
    assert job.counts["waitlist"] == 2
    invitation = next(m for m in mail.outbox if m.to == ["bruno@migracion.gob.gt"])
    assert "waiting list" in invitation.body and "/password/reset/key/" in invitation.body
    assert any(m.to == [existing.email] and "waiting list" in m.subject for m in mail.outbox)
    # The waiting list moves up as usual when a seat frees.
    from seminars.services import registration_withdraw

    ana = User.objects.get(email="ana@migracion.gob.gt")
    with django_capture_on_commit_callbacks(execute=True):
        registration_withdraw(user=ana, registration=Registration.objects.get(user=ana))
    assert Registration.objects.get(user__email="bruno@migracion.gob.gt").status == "confirmed"


def test_seat_taken_after_validation_sends_the_row_to_the_waiting_list(seminar_factory, institutions,
                                                                       focal_point_gt,
                                                                       django_capture_on_commit_callbacks):
    seminar = seminar_factory(capacity=2)
    job = make_job(focal_point_gt, seminar, csv_bytes(*gt_lines("ana", "bruno")))
    assert job.counts["create"] == 2
    confirmed(UserFactory(country="GT"), seminar)
    job = apply(job, focal_point_gt, django_capture_on_commit_callbacks)
    assert job.status == Status.APPLIED, job.failure_reason
    report = rows(job)
    assert [report[2]["outcome"], report[3]["outcome"]] == ["create", "waitlist"]
    assert Registration.objects.get(user__email="bruno@migracion.gob.gt").status == "waitlisted"
    assert Registration.objects.filter(seminar_key=seminar.translation_key, status="confirmed").count() == 2


# --- Scoping and views -----------------------------------------------------------------------------------

def test_focal_point_of_another_country_cannot_pick_the_seminar_or_see_the_job(
        client, seminar_factory, institutions, focal_point_gt, focal_point_mx_en, secretariat,
        django_capture_on_commit_callbacks):
    network = Network.objects.first()
    network.members.add(UserFactory(country="GT"))
    seminar = seminar_factory(audience="network", audience_network=network)
    observer_fp = UserFactory(role="Country focal point", country="CO", focal_point_country="CO")
    members_only = seminar_factory(audience="member_officials")

    client.force_login(focal_point_mx_en)
    form = client.get(reverse("enrolments_bulk:upload")).context["form"]
    assert seminar not in form.fields["seminar"].queryset and members_only in form.fields["seminar"].queryset
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enrolments_bulk:upload"), {
            "seminar": seminar.pk, "file": SimpleUploadedFile("p.csv", csv_bytes(*gt_lines("ana")))})
    assert response.status_code == 200 and "seminar" in response.context["form"].errors
    assert not BulkEnrolmentJob.objects.exists()
    with pytest.raises(PermissionDenied):
        bulk.bulk_job_create(uploader=focal_point_mx_en, seminar=seminar,
                             upload=SimpleUploadedFile("p.csv", csv_bytes(*gt_lines("ana"))))
    # An observer country's focal point cannot pick a seminar for member-state officials.
    client.force_login(observer_fp)
    assert members_only not in client.get(reverse("enrolments_bulk:upload")).context["form"].fields[
        "seminar"].queryset

    job = make_job(focal_point_gt, seminar, csv_bytes(*gt_lines("ana")))
    client.force_login(focal_point_mx_en)
    for name in ("progress", "status", "report"):
        assert client.get(reverse(f"enrolments_bulk:{name}", args=[job.pk])).status_code == 404
    for name in ("apply", "discard"):
        assert client.post(reverse(f"enrolments_bulk:{name}", args=[job.pk]), {"skip_errors": "1"}).status_code == 404
    assert job.original_name.encode() not in client.get(reverse("enrolments_bulk:list")).content
    client.force_login(secretariat)
    assert client.get(reverse("enrolments_bulk:report", args=[job.pk])).status_code == 200


def test_admin_flow_for_a_seminar(client, seminar_factory, institutions, focal_point_gt, catalog,
                                  django_capture_on_commit_callbacks):
    seminar = seminar_factory(capacity=1)
    course = make_course(catalog, title="Protección consular", lessons=1)
    client.force_login(focal_point_gt)
    page = client.get(reverse("enrolments_bulk:upload") + f"?seminar={seminar.pk}")
    assert page.status_code == 200 and page.context["form"]["seminar"].value() == str(seminar.pk)
    # Exactly one target: both, or neither, is refused.
    raw = csv_bytes(*gt_lines("ana", "bruno"))
    for data in ({"seminar": seminar.pk, "course": course.pk}, {}):
        response = client.post(reverse("enrolments_bulk:upload"),
                               {**data, "file": SimpleUploadedFile("p.csv", raw)})
        assert response.status_code == 200 and "either a course or a seminar" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enrolments_bulk:upload"),
                               {"seminar": seminar.pk, "file": SimpleUploadedFile("p.csv", raw)})
    job = BulkEnrolmentJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("enrolments_bulk:progress", args=[job.pk])
    assert job.seminar == seminar and job.seminar_key == seminar.translation_key and job.course_key is None
    report = client.get(reverse("enrolments_bulk:report", args=[job.pk])).content.decode()
    assert f"Seminar: {seminar.title}" in report and "On the waiting list" in report
    assert re.search(r"2 officials will be registered", report)
    assert seminar.title in client.get(reverse("enrolments_bulk:list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enrolments_bulk:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Status.APPLIED, job.failure_reason
    assert job.counts == {"create": 1, "enrol": 0, "waitlist": 1, "already": 0, "error": 0}


def test_a_job_has_exactly_one_target(seminar_factory, secretariat, catalog):
    seminar = seminar_factory()
    course = make_course(catalog, title="Curso", lessons=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        BulkEnrolmentJob.objects.create(uploaded_by=secretariat, course=course, course_key=course.translation_key,
                                        seminar=seminar, seminar_key=seminar.translation_key, file="bulk/x.csv")
    with pytest.raises(IntegrityError), transaction.atomic():
        BulkEnrolmentJob.objects.create(uploaded_by=secretariat, file="bulk/x.csv")


# --- Query count -----------------------------------------------------------------------------------------

def test_validation_query_count_does_not_grow_with_rows(seminar_factory, institutions, secretariat,
                                                        django_assert_max_num_queries):
    network = Network.objects.first()
    seminar = seminar_factory(capacity=50, audience="network", audience_network=network,
                              organisers=[UserFactory(role="Trainer", country="CR")])
    User.objects.bulk_create([User(email=f"oficial{n}@migracion.gob.gt", full_name=f"Oficial {n}", country="GT")
                              for n in range(0, 600, 3)])
    accounts = list(User.objects.filter(email__startswith="oficial"))
    network.members.add(*accounts)
    Registration.objects.bulk_create([
        Registration(user=user, seminar=seminar, seminar_key=seminar.translation_key, status="confirmed",
                     country="GT") for user in accounts[:20]])

    def queries_for(count: int) -> tuple[int, BulkEnrolmentJob]:
        lines = [f"oficial{n}@migracion.gob.gt,Oficial {n},GT,{IGM},Agente," for n in range(count)]
        job = bulk.bulk_job_create(uploader=secretariat, seminar=seminar,
                                   upload=SimpleUploadedFile("p.csv", csv_bytes(*lines)))
        with CaptureQueriesContext(connection) as ctx:
            bulk.bulk_job_validate(job_id=job.pk)
        job.refresh_from_db()
        return len(ctx.captured_queries), job

    # Ten rows or more: the progress counter is then written ten times, whatever the size.
    small, _ = queries_for(10)
    big, job = queries_for(600)
    assert big == small
    # Every kind of outcome was reached: new accounts refused by the audience, members registered, then waitlisted.
    assert job.counts["error"] == 400 and job.counts["already"] == 20
    assert job.counts["enrol"] == 30 and job.counts["waitlist"] == 150
    job = bulk.bulk_job_create(uploader=secretariat, seminar=seminar,
                               upload=SimpleUploadedFile("p.csv", csv_bytes(*[
                                   f"oficial{n}@migracion.gob.gt,Oficial {n},GT,{IGM},Agente," for n in range(600)])))
    with django_assert_max_num_queries(25):
        bulk.bulk_job_validate(job_id=job.pk)
