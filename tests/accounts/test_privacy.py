"""Personal data: the export holds everything about the person; erasure removes what identifies them and nothing
the statistics count; certificates stay verifiable without a name; the learner's "My data" page."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import privacy
from accounts.models import User
from certificates import services as certificate_services
from certificates.models import Certificate
from enrolments.bulk_models import BulkEnrolmentJob
from h5p.models import H5PLibrary, H5PPackage, H5PUserData, XAPIStatement
from quizzes.models import QuizAttempt
from seminars.models import Attendance
from tests.certificates.conftest import (  # noqa: F401  (fixtures)
    certificate,
    certificate_storage,
    certificate_template,
    completed,
    course,
)
from tests.courses.conftest import catalog  # noqa: F401  (fixture)
from tests.factories import DEFAULT_PASSWORD, InstitutionFactory, UserFactory
from tests.seminars.conftest import confirmed, make_seminar, seminar_index_build

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def source_language_strings(settings):
    """Messages are asserted in their source (English) wording; without the catalogue gettext returns them as is."""
    settings.LOCALE_PATHS = []


# --- Every relation to a user is accounted for -------------------------------------------------------------------


def test_every_model_field_pointing_at_a_user_is_declared():
    """A new model with a user foreign key must say what export and erasure do with it (accounts/privacy.py)."""
    found = set(privacy.user_relations())
    declared = set(privacy.USER_RELATIONS)
    assert found - declared == set(), "undeclared relations to the user model: add them to USER_RELATIONS"
    assert declared - found == set(), "declared relations that no longer exist: remove them from USER_RELATIONS"
    assert set(privacy.USER_RELATIONS.values()) <= {privacy.KEEP, privacy.DELETE, privacy.SCRUB}


def test_the_relation_walk_finds_project_and_third_party_relations():
    found = privacy.user_relations()
    for label in ("enrolments.Enrollment.user", "h5p.XAPIStatement.user", "certificates.Certificate.user",
                  "account.EmailAddress.user", "mfa.Authenticator.user", "wagtailcore.Page.owner"):
        assert label in found
    assert "courses.CoursePage.owner" not in found  # inherited page fields are listed once, on wagtailcore.Page


# --- A learner with a bit of everything ----------------------------------------------------------------------------


def _package() -> H5PPackage:
    library = H5PLibrary.objects.create(machine_name="H5P.TrueFalse", major=1, minor=8, patch=0, title="True/False")
    return H5PPackage.objects.create(title="Pregunta", main_library=library, sha256="a" * 64, size_bytes=1,
                                     unpacked_bytes=1)


@pytest.fixture
def record(learner, completed, certificate):  # noqa: F811
    """The learner (institution, position, gender) with a completed course and its certificate, a quiz attempt,
    an xAPI statement naming them, saved H5P state, a seminar attended, a second factor and a bulk report row."""
    learner.institution = InstitutionFactory(name="Dirección General de Migración", country="GT")
    learner.position = "Oficial de fronteras"
    learner.gender = User.Gender.FEMALE
    learner.save()
    lesson_key = uuid.uuid4()
    QuizAttempt.objects.create(enrollment=completed, lesson_key=lesson_key, block_id="quiz-1", number=1,
                               score_percent=Decimal("80"), passed=True, answers={"q1": ["c2"]})
    package = _package()
    statement = {"actor": {"objectType": "Agent", "name": learner.full_name, "mbox": f"mailto:{learner.email}",
                           "account": {"homePage": "http://testserver", "name": str(learner.pk)}},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                 "object": {"id": "http://testserver/h5p/activity/x/act-1"},
                 "context": {"instructor": {"objectType": "Agent", "name": learner.full_name}},
                 "result": {"score": {"raw": 1, "max": 1}, "response": "true"},
                 "authority": {"objectType": "Agent", "name": "Campus CRM",
                               "account": {"homePage": "http://testserver", "name": "campus-crm"}}}
    XAPIStatement.objects.create(user=learner, enrollment=completed, package=package, lesson_key=lesson_key,
                                 block_id="act-1", verb=statement["verb"]["id"], statement=statement)
    H5PUserData.objects.create(user=learner, lesson_key=lesson_key, block_id="act-1", data_type="state",
                               data=json.dumps({"answer": learner.email}))
    seminar = make_seminar(seminar_index_build(), sessions=1, title="Seminario de fronteras")
    registration = confirmed(learner, seminar)
    Attendance.objects.create(registration=registration, session_key=seminar.session_list[0].key, present=True)
    Authenticator.objects.create(user=learner, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    staff = UserFactory(role="Secretariat", country="CR")
    bulk = BulkEnrolmentJob.objects.create(
        uploaded_by=staff, course=completed.course, course_key=completed.course_key, status="applied",
        report={"rows": [{"row": 2, "email": learner.email.upper(), "outcome": "enrol", "reason": "",
                          "user_id": learner.pk, "data": {"full_name": learner.full_name, "position": "x"}},
                         {"row": 3, "email": "other@example.org", "outcome": "enrol", "reason": "",
                          "user_id": None, "data": {"full_name": "Otra Persona"}}]})
    learner.refresh_from_db()
    return {"user": learner, "enrolment": completed, "certificate": certificate, "registration": registration,
            "bulk": bulk, "staff": staff}


# --- Export ----------------------------------------------------------------------------------------------------------


def test_export_holds_everything_about_the_person(record):
    user, issued = record["user"], record["certificate"]
    data = privacy.personal_data_export(user=user)
    assert json.loads(json.dumps(data)) == data  # plain JSON, no encoder needed

    account = data["account"]
    assert account["email"] == user.email and account["full_name"] == user.full_name
    assert account["position"] == "Oficial de fronteras" and account["gender"] == "female"
    assert account["country"] == "GT" and account["institution"]["name"] == "Dirección General de Migración"
    assert account["roles"] == ["Learner"]
    assert account["date_joined"].startswith(str(user.date_joined.year))
    assert data["email_addresses"] == [{"email": user.email, "verified": True, "primary": True}]
    assert [f["type"] for f in data["second_factors"]] == ["totp"]
    assert "JBSWY3DPEHPK3PXP" not in json.dumps(data)  # which factors exist, never their secrets

    [enrolment] = data["enrolments"]
    assert enrolment["status"] == "completed" and enrolment["completed_at"]
    assert enrolment["course"] == record["enrolment"].course.title
    assert enrolment["lesson_progress"] and enrolment["lesson_progress"][0]["status"] == "completed"
    assert enrolment["quiz_attempts"][0]["score_percent"] == "80.00"
    assert enrolment["quiz_attempts"][0]["answers"] == {"q1": ["c2"]}

    [registration] = data["seminar_registrations"]
    assert registration["seminar"] == "Seminario de fronteras" and registration["status"] == "confirmed"
    assert registration["attendance"][0]["present"] is True

    [exported] = data["certificates"]
    assert exported["code"] == issued.code and exported["status"] == "valid"
    assert exported["learner_name"] == user.full_name and exported["hours"] == str(issued.hours)
    assert exported["verify_url"].endswith(f"/certificates/verify/{issued.code}/")

    assert data["xapi_statements"][0]["statement"]["actor"]["name"] == user.full_name
    assert data["saved_state"][0]["data"] == json.dumps({"answer": user.email})


def test_export_lists_what_a_staff_member_did_by_id(record):
    data = privacy.personal_data_export(user=record["staff"])
    assert data["staff_work"]["records"] == {"enrolments.BulkEnrolmentJob.uploaded_by": [record["bulk"].pk]}
    assert data["enrolments"] == [] and data["certificates"] == []


def test_my_data_export_downloads_a_dated_json_file_of_ones_own_data(client, record):
    user = record["user"]
    client.force_login(user)
    response = client.get(reverse("accounts:my_data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="campus-crm-my-data-{today}.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == user.email
    assert data["certificates"][0]["code"] == record["certificate"].code

    other = UserFactory(role="Learner")
    client.force_login(other)
    assert user.email.encode() not in client.get(reverse("accounts:my_data_export")).content


# --- Erasure ----------------------------------------------------------------------------------------------------------


def test_erasure_removes_what_identifies_the_person_and_keeps_the_record(record, django_capture_on_commit_callbacks):
    user, issued = record["user"], record["certificate"]
    old_email, old_name = user.email, user.full_name
    storage, pdf_name = issued.pdf.storage, issued.pdf.name
    assert storage.exists(pdf_name)
    session_client = Client()
    session_client.force_login(user)
    assert Session.objects.filter(session_key=session_client.session.session_key).exists()

    with django_capture_on_commit_callbacks(execute=True):
        privacy.personal_data_erase(user=user)

    user.refresh_from_db()
    assert user.email.startswith("erased-") and user.email.endswith("@erased.invalid")
    assert user.full_name == "" and user.position == "" and user.gender == ""
    assert not user.has_usable_password() and not user.is_active
    assert user.erased_at is not None and user.erased_by == user
    # What the statistics need stays.
    assert user.country.code == "GT" and user.institution.name == "Dirección General de Migración"
    assert user.has_role("Learner") and user.date_joined
    assert user.enrollments.get().status == "completed"
    assert user.seminar_registrations.get().attendance.get().present
    assert QuizAttempt.objects.filter(enrollment__user=user).count() == 1

    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not H5PUserData.objects.filter(user=user).exists()
    assert not Session.objects.filter(session_key=session_client.session.session_key).exists()
    assert SESSION_KEY not in session_client.session

    stored = XAPIStatement.objects.get(user=user).statement
    text = json.dumps(stored)
    assert old_name not in text and old_email not in text
    assert stored["actor"] == {"objectType": "Agent", "account": {"homePage": "http://testserver",
                                                                  "name": str(user.pk)}}
    assert stored["result"]["score"] == {"raw": 1, "max": 1} and stored["authority"]["name"] == "Campus CRM"

    issued.refresh_from_db()
    assert issued.status == Certificate.Status.VALID  # still counts, still verifiable
    assert issued.learner_name == "" and not issued.pdf and issued.pdf_sha256 == ""
    assert not storage.exists(pdf_name)

    rows = BulkEnrolmentJob.objects.get(pk=record["bulk"].pk).report["rows"]
    assert rows[0] == {"row": 2, "email": "", "outcome": "enrol", "reason": "", "user_id": user.pk, "data": {}}
    assert rows[1]["email"] == "other@example.org"  # other people's rows are untouched

    assert old_email not in json.dumps(privacy.personal_data_export(user=user))
    assert not Client().login(email=old_email, password=DEFAULT_PASSWORD)


def test_erasure_by_staff_records_who_asked_and_runs_once(record):
    user, staff = record["user"], record["staff"]
    privacy.personal_data_erase(user=user, by=staff)
    user.refresh_from_db()
    first = (user.email, user.erased_at)
    assert user.erased_by == staff
    privacy.personal_data_erase(user=user)
    user.refresh_from_db()
    assert (user.email, user.erased_at, user.erased_by) == (*first, staff)


def test_a_superuser_is_not_erased(db):
    from django.core.exceptions import ValidationError

    admin = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError):
        privacy.personal_data_erase(user=admin)
    admin.refresh_from_db()
    assert admin.erased_at is None and admin.is_active


def test_erased_accounts_get_distinct_addresses(db):
    a, b = UserFactory(role="Learner"), UserFactory(role="Learner")
    privacy.personal_data_erase(user=a)
    privacy.personal_data_erase(user=b)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.email != b.email


def test_metrics_are_exactly_the_same_after_erasures(db):
    """Erasing learners with completions, certificates (valid and revoked), quiz scores, attendance and activity
    changes no figure, whatever the grouping."""
    from metrics.selectors import GROUPS, Filters, Scope, breakdown, headline
    from tests.metrics.conftest import dataset_build

    dataset = dataset_build()
    scopes = (Scope(), Scope(country="GT", label="country"))
    filters = (Filters(), Filters(start=datetime.date(2025, 2, 1), end=datetime.date(2025, 4, 30)),
               Filters(gender="female"))

    def figures():
        out = []
        for scope in scopes:
            for f in filters:
                out.append(headline(scope, f, live=True))
                for group in GROUPS:
                    out.append([vars(row) for row in breakdown(scope, f, (group,), full=True, live=True)])
        return out

    before = figures()
    assert before[0]["certificates"] == 3 and before[0]["officials_trained"] > 0
    users = dataset.users
    for person in (users.a, users.b, users.e, users.g):
        privacy.personal_data_erase(user=person)
    assert User.objects.filter(erased_at__isnull=False).count() == 4
    assert figures() == before


# --- Certificates of an erased holder ----------------------------------------------------------------------------


def test_verification_page_of_an_erased_holder_says_valid_without_a_name(client, record):
    user, issued = record["user"], record["certificate"]
    name = user.full_name
    privacy.personal_data_erase(user=user)
    response = client.get(reverse("certificates:verify", args=[issued.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "verify-status--valid" in html
    assert issued.subject_title in html
    assert "personal data was erased at their request" in html
    assert name not in html
    assert "SHA-256" not in html  # the hash of a PDF that named them is gone with it


def test_no_pdf_and_no_credential_once_the_holder_is_erased(client, record, secretariat):
    user, issued = record["user"], record["certificate"]
    client.force_login(secretariat)
    assert client.get(reverse("credentials:credential", args=[issued.code])).status_code == 200
    privacy.personal_data_erase(user=user)
    assert client.get(reverse("certificates:download", args=[issued.code])).status_code == 404
    assert client.get(reverse("credentials:credential", args=[issued.code])).status_code == 404
    # A later "regenerate the PDFs" job does not render a new PDF for it, nor may staff reissue it by name.
    assert certificate_services.certificate_rerender(certificate_id=issued.pk) is None
    issued.refresh_from_db()
    assert not issued.pdf
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        certificate_services.certificate_reissue(certificate=issued, user=secretariat, learner_name="Ana")


def test_no_new_certificate_is_issued_to_an_erased_learner(record):
    user, issued = record["user"], record["certificate"]
    privacy.personal_data_erase(user=user)
    Certificate.objects.filter(pk=issued.pk).delete()
    assert certificate_services.certificate_request(enrollment_id=record["enrolment"].pk) is None
    assert certificate_services.certificate_sweep() == 0
    assert not Certificate.objects.filter(user=user).exists()


# --- The learner's pages ------------------------------------------------------------------------------------------


def test_my_data_page_is_linked_from_the_account_menu(client, learner):
    client.force_login(learner)
    home = client.get(reverse("enrolments:dashboard"))
    assert reverse("accounts:my_data").encode() in home.content
    page = client.get(reverse("accounts:my_data"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("accounts:my_data_export") in html
    assert 'name="password"' in html and 'type="checkbox"' in html and "csrfmiddlewaretoken" in html
    assert 'for="id_password"' in html and 'for="id_confirm"' in html


@pytest.mark.parametrize(("password", "confirm", "field"), [
    ("wrong-password", "on", "password"),
    (DEFAULT_PASSWORD, None, "confirm"),
    ("", "on", "password"),
])
def test_bad_input_changes_nothing(client, learner, password, confirm, field):
    client.force_login(learner)
    data = {"password": password} | ({"confirm": confirm} if confirm else {})
    response = client.post(reverse("accounts:my_data_erase"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'aria-describedby="erase-{field}-error"' in html and f'id="erase-{field}-error"' in html
    learner.refresh_from_db()
    assert learner.erased_at is None and learner.is_active and learner.check_password(DEFAULT_PASSWORD)
    assert client.get(reverse("accounts:my_data")).status_code == 200  # still signed in


def test_erasing_ones_account_signs_out_and_confirms(client, learner):
    client.force_login(learner)
    response = client.post(reverse("accounts:my_data_erase"), {"password": DEFAULT_PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:erased")
    learner.refresh_from_db()
    assert learner.erased_at is not None and learner.erased_by == learner
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"have been erased" in page.content
    assert SESSION_KEY not in client.session
    assert client.get(reverse("accounts:my_data")).status_code == 302  # signed out: to the sign-in page


def test_erasure_needs_a_csrf_protected_post(learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.get(reverse("accounts:my_data_erase")).status_code == 405
    response = client.post(reverse("accounts:my_data_erase"), {"password": DEFAULT_PASSWORD, "confirm": "on"})
    assert response.status_code == 403
    learner.refresh_from_db()
    assert learner.erased_at is None


def test_password_guessing_on_the_erasure_form_is_limited(client, learner):
    client.force_login(learner)
    limit, _seconds = __import__("accounts.views", fromlist=["ERASE_ATTEMPTS"]).ERASE_ATTEMPTS
    for _attempt in range(limit):
        assert client.post(reverse("accounts:my_data_erase"), {"password": "nope", "confirm": "on"}).status_code == 400
    response = client.post(reverse("accounts:my_data_erase"), {"password": DEFAULT_PASSWORD, "confirm": "on"})
    assert response.status_code == 429
    learner.refresh_from_db()
    assert learner.erased_at is None


# --- The Secretariat, on a learner's behalf ---------------------------------------------------------------------


def test_secretariat_downloads_and_erases_a_learners_data(client, record, secretariat):
    user = record["user"]
    url = reverse("accounts_personal_data")
    client.force_login(secretariat)
    assert client.get(url).status_code == 200

    response = client.post(url, {"email": user.email.upper(), "action": "export"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert json.loads(response.content)["account"]["email"] == user.email

    response = client.post(url, {"email": user.email, "action": "erase"})  # the box is not ticked
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.erased_at is None

    response = client.post(url, {"email": user.email, "action": "erase", "confirm": "on"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.erased_at is not None and user.erased_by == secretariat


def test_only_the_secretariat_handles_requests_and_never_for_staff(client, learner, trainer, secretariat):
    url = reverse("accounts_personal_data")
    client.force_login(trainer)
    assert client.get(url).status_code in (302, 403)
    assert client.post(url, {"email": learner.email, "action": "erase", "confirm": "on"}).status_code in (302, 403)
    learner.refresh_from_db()
    assert learner.erased_at is None

    client.force_login(secretariat)
    response = client.post(url, {"email": trainer.email, "action": "erase", "confirm": "on"})
    assert response.status_code == 400
    trainer.refresh_from_db()
    assert trainer.erased_at is None and trainer.is_active
