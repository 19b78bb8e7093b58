"""Builders for metrics tests: courses and seminars come from the course and seminar test builders.

Building Wagtail pages is what makes these tests slow, so the datasets that tests only read are built once per
module, inside a transaction rolled back when the module is done (`shared_db`); each test still runs in its
own savepoint inside it, so whatever a test writes is undone after it.

`dataset` is one small, hand-made learner record; test_measures.py and test_scoping.py work out every figure
from it by hand. Its shape (snapshots at enrolment; every event date in the America/Mexico_City time zone):

    courses   C1 "Trata de personas": es + en versions (one offering), line training, topic trafficking,
                 self-paced, 8 h, lesson 1.2 is the final assessment; taught by `trainer`
              C2 "Protección consular": es, line projects, topic consular-protection, instructor-led, 12 h,
                 restricted to the consular-protection network; no final assessment
    seminars  S1: line seminars, topics consular-protection + human-rights-of-migrants, in person, host GT,
                 three one-hour sessions 2025-03-31 20:00, 23:00 and 2025-04-01 02:00, ended;
                 organised by `trainer`
              S2: line seminars, no topic, online, one session on 2099-06-15 (not ended)

    learner  snapshot (country, gender, institution)  record
    A        GT female gt_migration     C1-es completed (req 01-10, done 02-20), quiz 60 then 90, certificate
                                        valid (02-20); activity Jan + Feb; S2 confirmed
    B        MX male   mx_foreign       C1-en completed (req 01-15, done 03-05), quiz 70, certificate REVOKED;
             (now GT, institution gt)   activity 02-28 23:30 local (= March in UTC, February locally)
    C        CO female co_migration     C1-en active (req 02-05), quiz 40 (04-10); activity Mar
    D        GT male   gt_migration     C1-es WITHDRAWN (req 01-20); activity Jan
    E        HN female hn_interior      C2 completed (req 02-10, done 04-15), quiz 100 on a non-final lesson,
                                        certificate valid (04-15); activity Apr;
                                        S1 confirmed, present at all three sessions (attended_at 04-01 03:00),
                                        attendance certificate valid (04-01)
    F        GT male   gt_migration     C2 PENDING (not counted)
    G        MX female mx_foreign       C2 REJECTED (not counted); S1 confirmed, present at session 1 only
                                        (absent rows for sessions 2 and 3; attendance not reached)
    H        MX male   mx_foreign       S1 WAITLISTED (not counted)
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import models, transaction
from django.utils import timezone

from accounts.models import Institution
from certificates.codes import code_new
from certificates.models import Certificate, CertificateTemplate
from courses.models import LessonPage
from crm.models import ActionPlanLine, Network, Topic
from enrolments.models import Enrollment
from metrics.services import activity_record
from quizzes.models import QuizAttempt
from seminars.models import Attendance, Registration
from tests.courses.conftest import (  # noqa: F401  (catalog, course_factory: fixtures for the other tests here)
    catalog,
    catalog_build,
    course_factory,
    home,
    make_course,
    publish,
    translate,
    translate_course,
)
from tests.factories import InstitutionFactory, UserFactory
from tests.seminars.conftest import make_seminar, seminar_index, seminar_index_build  # noqa: F401

# Fixtures that hold a module-wide transaction open (see `shared_db`).
SHARED = "shared_db"


@pytest.fixture(scope="module")
def shared_db(django_db_setup, django_db_blocker):
    """A transaction around the rest of the module, for rows built once and then only read.

    Each test's own transaction (pytest-django's `db`) nests inside it as a savepoint, so what a test writes
    is still rolled back after it, and `django_capture_on_commit_callbacks` still sees the test's callbacks.
    Not for transactional tests: they flush tables and cannot run inside a transaction.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Within each module, tests using `shared_db` run after the others: the shared rows stay in the database
    from the first test that builds them to the end of the module, and the other tests expect an empty one.

    Only consecutive items of one module are reordered (stable), so pytest-django's order (plain database tests,
    then transactional ones) and the browser-first order of tests/conftest.py are kept."""
    start = 0
    while start < len(items):
        end = start
        while end < len(items) and items[end].path == items[start].path:
            end += 1
        if "tests/metrics/" in items[start].path.as_posix():
            items[start:end] = sorted(items[start:end], key=lambda item: SHARED in item.fixturenames)
        start = end


def fresh(value):
    """`value` with every model instance in it read again from the database, for a test that changes them."""
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{name: fresh(item) for name, item in vars(value).items()})
    if isinstance(value, dict):
        return {key: fresh(item) for key, item in value.items()}
    if isinstance(value, list):
        return [fresh(item) for item in value]
    if isinstance(value, models.Model):
        return type(value)._default_manager.get(pk=value.pk)
    return value


@pytest.fixture(autouse=True)
def english_strings(settings):
    settings.LOCALE_PATHS = []


@pytest.fixture
def seminar_factory(seminar_index):  # noqa: F811
    return lambda **fields: make_seminar(seminar_index, **fields)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An aware datetime in the platform's time zone (the one the period filters use)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def enrol(user, course, *, status: str, requested: datetime.datetime, completed: datetime.datetime | None = None,
          country: str, institution: Institution, gender: str) -> Enrollment:
    """An enrolment with its snapshot given explicitly (not read from the user's current profile)."""
    enrollment = Enrollment.objects.create(
        user=user, course=course, course_key=course.translation_key, status=status, country=country,
        institution=institution, institution_type=institution.type, gender=gender)
    # requested_at is auto_now_add: the test dates are set afterwards.
    Enrollment.objects.filter(pk=enrollment.pk).update(requested_at=requested, completed_at=completed)
    enrollment.refresh_from_db()
    return enrollment


def register(user, seminar, *, status: str, country: str, institution: Institution, gender: str,
             attended_at: datetime.datetime | None = None) -> Registration:
    return Registration.objects.create(
        user=user, seminar=seminar, seminar_key=seminar.translation_key, status=status, country=country,
        institution=institution, institution_type=institution.type if institution else "", gender=gender,
        attended_at=attended_at)


def attend(registration: Registration, seminar, present: list[bool]) -> None:
    for session, here in zip(seminar.session_list, present, strict=True):
        Attendance.objects.create(registration=registration, session_key=session.key, present=here)


def certify(user, *, status: str, issued_on: datetime.date, template, enrollment=None,
            registration=None) -> Certificate:
    key = enrollment.course_key if enrollment else registration.seminar_key
    kind = Certificate.Kind.COMPLETION if enrollment else Certificate.Kind.ATTENDANCE
    return Certificate.objects.create(
        code=code_new(), kind=kind, status=status, user=user, enrollment=enrollment, registration=registration,
        course_key=key, template=template, learner_name=user.full_name, subject_title="—", hours=Decimal("1"),
        issued_on=issued_on)


def attempt(enrollment: Enrollment, lesson_key, number: int, score: int, moment: datetime.datetime) -> None:
    QuizAttempt.objects.create(enrollment=enrollment, lesson_key=lesson_key, block_id="quiz", number=number,
                               score_percent=Decimal(score), passed=score >= 70, created_at=moment)


@pytest.fixture(scope="module")
def shared_dataset(shared_db, django_db_blocker):
    """The learner record, built once per test module."""
    with django_db_blocker.unblock():
        return dataset_build()


@pytest.fixture
def dataset(shared_dataset, db):
    """The learner record, its objects read afresh for each test (its rows are rolled back after each test)."""
    return fresh(shared_dataset)


def dataset_build() -> SimpleNamespace:
    """The learner record described in this module's docstring."""
    courses, seminars = catalog_build(), seminar_index_build()
    trainer = UserFactory(role="Trainer", country="CR")  # what the `trainer` fixture builds
    consular = Network.objects.get(slug="consular-protection")
    c1 = make_course(courses, title="Trata de personas", topics=("trafficking-in-persons",), line="training",
                     modality="self_paced", estimated_hours=Decimal("8"))
    c1.trainers.set([trainer])
    c1 = publish(c1)
    c1_en = translate_course(c1, "en", title="Trafficking in persons")
    # Flagged in the database: the flag needs a quiz block on the lesson, which the builders do not write.
    final_key = LessonPage.objects.child_of(c1.get_children().first()).last().translation_key
    LessonPage.objects.filter(translation_key=final_key).update(final_assessment=True)
    c2 = make_course(courses, title="Protección consular", topics=("consular-protection",), line="projects",
                     modality="instructor_led", estimated_hours=Decimal("12"), audience="network",
                     audience_network=consular, lessons=1)
    c2_lesson_key = LessonPage.objects.descendant_of(c2).first().translation_key

    s1 = make_seminar(seminars, title="Seminario regional de protección", sessions=3,
                      starts_at=at(2025, 3, 31, 20), organisers=[trainer])
    s1.topics.set(Topic.objects.filter(slug__in=("consular-protection", "human-rights-of-migrants")))
    s1 = publish(s1)
    s2 = make_seminar(seminars, title="Seminario en línea", sessions=1, starts_at=at(2099, 6, 15, 10),
                      modality="online")

    gt_migration = InstitutionFactory(name="Instituto Guatemalteco de Migración", country="GT", type="migration")
    mx_foreign = InstitutionFactory(name="Secretaría de Relaciones Exteriores", country="MX",
                                    type="foreign_affairs")
    co_migration = InstitutionFactory(name="Migración Colombia", country="CO", type="migration")
    hn_interior = InstitutionFactory(name="Secretaría de Seguridad", country="HN", type="interior")

    def person(country, gender, institution):
        return UserFactory(role="Learner", country=country, gender=gender, institution=institution)

    a = person("GT", "female", gt_migration)
    b = person("GT", "male", gt_migration)  # moved: was in MX (foreign affairs) when enrolling
    c = person("CO", "female", co_migration)
    d = person("GT", "male", gt_migration)
    e = person("HN", "female", hn_interior)
    f = person("GT", "male", gt_migration)
    g = person("MX", "female", mx_foreign)
    h = person("MX", "male", mx_foreign)

    e_a = enrol(a, c1, status="completed", requested=at(2025, 1, 10), completed=at(2025, 2, 20),
                country="GT", institution=gt_migration, gender="female")
    e_b = enrol(b, c1_en, status="completed", requested=at(2025, 1, 15), completed=at(2025, 3, 5),
                country="MX", institution=mx_foreign, gender="male")
    e_c = enrol(c, c1_en, status="active", requested=at(2025, 2, 5), country="CO", institution=co_migration,
                gender="female")
    e_d = enrol(d, c1, status="withdrawn", requested=at(2025, 1, 20), country="GT", institution=gt_migration,
                gender="male")
    e_e = enrol(e, c2, status="completed", requested=at(2025, 2, 10), completed=at(2025, 4, 15), country="HN",
                institution=hn_interior, gender="female")
    enrol(f, c2, status="pending", requested=at(2025, 2, 1), country="GT", institution=gt_migration, gender="male")
    enrol(g, c2, status="rejected", requested=at(2025, 2, 1), country="MX", institution=mx_foreign,
          gender="female")

    attempt(e_a, final_key, 1, 60, at(2025, 2, 15))
    attempt(e_a, final_key, 2, 90, at(2025, 2, 18))
    attempt(e_b, final_key, 1, 70, at(2025, 3, 1))
    attempt(e_c, final_key, 1, 40, at(2025, 4, 10))
    attempt(e_e, c2_lesson_key, 1, 100, at(2025, 3, 20))

    for enrollment, moment in ((e_a, at(2025, 1, 12)), (e_a, at(2025, 2, 2)), (e_a, at(2025, 2, 19)),
                               (e_b, at(2025, 2, 28, 23, 30)), (e_c, at(2025, 3, 3)), (e_d, at(2025, 1, 22)),
                               (e_e, at(2025, 4, 2))):
        activity_record(enrollment_id=enrollment.pk, moment=moment)

    r_e = register(e, s1, status="confirmed", country="HN", institution=hn_interior, gender="female",
                   attended_at=at(2025, 4, 1, 3))
    attend(r_e, s1, [True, True, True])
    r_g = register(g, s1, status="confirmed", country="MX", institution=mx_foreign, gender="female")
    attend(r_g, s1, [True, False, False])
    register(h, s1, status="waitlisted", country="MX", institution=mx_foreign, gender="male")
    r_a = register(a, s2, status="confirmed", country="GT", institution=gt_migration, gender="female")

    template = CertificateTemplate.objects.create(name="T")
    certify(a, status="valid", issued_on=datetime.date(2025, 2, 20), template=template, enrollment=e_a)
    certify(b, status="revoked", issued_on=datetime.date(2025, 3, 5), template=template, enrollment=e_b)
    certify(e, status="valid", issued_on=datetime.date(2025, 4, 15), template=template, enrollment=e_e)
    certify(e, status="valid", issued_on=datetime.date(2025, 4, 1), template=template, registration=r_e)

    lines = {line.slug: line.pk for line in ActionPlanLine.objects.all()}
    topics = {topic.slug: topic.pk for topic in Topic.objects.all()}
    return SimpleNamespace(
        c1=c1, c1_en=c1_en, c2=c2, s1=s1, s2=s2, final_key=final_key, trainer=trainer, network=consular,
        gt_migration=gt_migration, mx_foreign=mx_foreign, co_migration=co_migration, hn_interior=hn_interior,
        users=SimpleNamespace(a=a, b=b, c=c, d=d, e=e, f=f, g=g, h=h), registrations=SimpleNamespace(a=r_a),
        lines=lines, topics=topics, template=template,
    )

