"""Stored XSS: hostile text in names, titles, summaries, import cells and certificate names is escaped wherever a
public or admin page renders it back."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import code_new
from courses.models import LessonPage
from enrolments.models import Enrollment
from seminars.models import Registration, SeminarPage
from tests.certificates.conftest import template_with_signatory
from tests.courses.conftest import make_course, publish
from tests.factories import InstitutionFactory, UserFactory
from tests.seminars.conftest import make_seminar, seminar_index_build

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"Ana {SCRIPT} {IMG}"
# What must never appear unescaped in a page: an element the payload would inject.
INJECTED = re.compile(r"<script>alert\(1\)|<img src=x onerror", re.I)


def assert_escaped(html: str, where: str, *, expect_shown: bool = True) -> None:
    match = INJECTED.search(html)
    assert match is None, f"{where}: unescaped payload near {html[max(match.start() - 200, 0):match.end() + 50]!r}"
    if expect_shown:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;script&gt;alert(1)" in html, \
            f"{where}: the payload is not shown at all, so this check proves nothing"


@pytest.fixture
def world(catalog):
    """A course, lesson, seminar, learner, institution and certificate, each named with the payload."""
    institution = InstitutionFactory(name=f"Instituto {PAYLOAD}", country="GT")
    learner = UserFactory(role="Learner", country="GT", full_name=PAYLOAD, institution=institution,
                          preferred_language="en")
    trainer = UserFactory(role="Trainer", country="CR", full_name=f"Trainer {PAYLOAD}")
    course = make_course(catalog, title=f"Curso {PAYLOAD}", summary=f"Resumen {PAYLOAD}", lessons=1,
                         enrolment_policy="approval")
    course.trainers.add(trainer)
    publish(course)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.title = f"Lección {PAYLOAD}"
    publish(lesson)
    enrollment = Enrollment.objects.create(user=learner, course=course, course_key=course.translation_key,
                                           status="active", country="GT", institution=institution,
                                           institution_type=institution.type, gender="female")
    pending = UserFactory(role="Learner", country="GT", full_name=f"Pendiente {PAYLOAD}", institution=institution)
    Enrollment.objects.create(user=pending, course=course, course_key=course.translation_key, status="pending",
                              country="GT", institution=institution, institution_type=institution.type)
    seminar = make_seminar(seminar_index_build(), organisers=[trainer], title=f"Seminario {PAYLOAD}",
                           summary=f"Resumen {PAYLOAD}"[:300])
    Registration.objects.create(user=learner, seminar=seminar, seminar_key=seminar.translation_key,
                                status=Registration.Status.CONFIRMED, country="GT", institution=institution,
                                confirmed_at=timezone.now())
    certificate = Certificate.objects.create(
        code=code_new(), kind=Certificate.Kind.COMPLETION, status=Certificate.Status.VALID, user=learner,
        enrollment=enrollment, course_key=course.translation_key, template=template_with_signatory(),
        learner_name=PAYLOAD, subject_title=f"Curso {PAYLOAD}", hours=Decimal("8"))
    return {"course": course, "lesson": LessonPage.objects.get(pk=lesson.pk), "learner": learner,
            "trainer": trainer, "seminar": SeminarPage.objects.get(pk=seminar.pk), "certificate": certificate,
            "institution": institution}


def _get(client, url, **params) -> str:
    response = client.get(url, params, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_public_pages_escape_hostile_text(world):
    anonymous = Client()
    assert_escaped(_get(anonymous, "/cursos/"), "catalogue")
    assert_escaped(_get(anonymous, "/cursos/", q="Curso"), "catalogue search")
    assert_escaped(_get(anonymous, world["course"].url), "course page")
    assert_escaped(_get(anonymous, "/seminarios/"), "seminar calendar")
    assert_escaped(_get(anonymous, world["seminar"].url), "seminar page")
    verify = _get(anonymous, reverse("certificates:verify", args=[world["certificate"].code]))
    assert_escaped(verify, "certificate verification")


def test_learner_pages_escape_hostile_text(world):
    client = Client()
    client.force_login(world["learner"])
    assert_escaped(_get(client, world["lesson"].url), "lesson page")
    assert_escaped(_get(client, reverse("enrolments:dashboard")), "learner dashboard")


def test_staff_pages_escape_hostile_text(world):
    trainer = Client()
    trainer.force_login(world["trainer"])
    assert_escaped(_get(trainer, reverse("seminars:roster", args=[world["seminar"].pk])), "attendance roster")
    assert_escaped(_get(trainer, reverse("enrolments_trainer:learners", args=[world["course"].pk])),
                   "trainer's learner list")

    secretariat = Client()
    secretariat.force_login(UserFactory(role="Secretariat", country="CR", is_superuser=True))
    assert_escaped(_get(secretariat, reverse("enrolments_approvals:queue")), "approval queue")
    assert_escaped(_get(secretariat, f"/admin/pages/{world['course'].get_parent().pk}/"), "page explorer")
    assert_escaped(_get(secretariat, f"/admin/pages/{world['course'].pk}/edit/"), "page editor")
    assert_escaped(_get(secretariat, "/admin/users/"), "admin user list")
    assert_escaped(_get(secretariat, "/admin/snippets/certificates/certificate/"), "admin certificate list",
                   expect_shown=False)
    assert_escaped(_get(secretariat, reverse("metrics:dashboard"), country="GT"), "metrics dashboard",
                   expect_shown=False)
    assert_escaped(_get(secretariat, reverse("metrics:dashboard"), country="GT", institution=world["institution"].pk),
                   "metrics drill-down", expect_shown=False)


def test_bulk_report_escapes_hostile_cells(world, django_capture_on_commit_callbacks):
    secretariat = UserFactory(role="Secretariat", country="CR", preferred_language="en")
    client = Client()
    client.force_login(secretariat)
    raw = ("email,full_name,country,institution,position,gender\n"
           f'"{IMG}@x.org","{PAYLOAD}",GT,"{PAYLOAD}","{SCRIPT}",\n'
           f'ok@example.org,"{PAYLOAD}","{SCRIPT}","{IMG}",x,"{SCRIPT}"\n'
           f'ok2@example.org,"{PAYLOAD}",GT,"Instituto {PAYLOAD}",x,"{SCRIPT}"\n').encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enrolments_bulk:upload"),
                               {"course": world["course"].pk, "file": SimpleUploadedFile("o.csv", raw)})
    assert response.status_code == 302
    job_pk = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert_escaped(_get(client, reverse("enrolments_bulk:report", args=[job_pk])), "bulk report")
    assert_escaped(_get(client, reverse("enrolments_bulk:list")), "bulk job list", expect_shown=False)


def test_seminar_online_link_refuses_script_urls(db):
    seminar = make_seminar(seminar_index_build())
    for url in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
                "JaVaScRiPt:alert(1)", " javascript:alert(1)"):
        seminar.online_link = url
        with pytest.raises(ValidationError) as error:
            seminar.full_clean()
        assert "online_link" in error.value.message_dict, url
