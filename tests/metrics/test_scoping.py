"""Who sees which figures (`Scope.for_user`), and selectors that cost the same whatever the data.

Figures are worked out by hand on the `dataset` fixture (see conftest.py and test_measures.py).
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics import selectors
from metrics.services import activity_record
from tests.factories import InstitutionFactory, UserFactory
from tests.metrics.conftest import at, attempt, attend, certify, enrol, register
from tests.metrics.test_measures import NOTHING, expect, table

pytestmark = pytest.mark.django_db

ALL = selectors.Filters()

# Mexico's share of the dataset: B enrolled from MX (C1, completed, 70, revoked certificate; lives in GT now);
# G on S1 (one session of three, attendance not reached); H waitlisted; G's C2 request was rejected.
MEXICO = expect(enrolments=1, active_learners=1, completions=1, completion_rate=100.0, officials_trained=1,
                institutions=1, training_hours=9, course_hours=8, seminar_hours=1, average_score=70.0,
                seminar_participants=1, attendance_rate=0.0)


@pytest.fixture
def trainer(dataset):
    """The trainer who teaches C1 and organises S1 (the dataset is built once per module, with its own)."""
    return dataset.trainer


def test_secretariat_sees_the_region(dataset, secretariat):
    scope = selectors.Scope.for_user(secretariat)
    assert scope == selectors.Scope() and scope.is_region
    assert selectors.headline(scope, ALL)["enrolments"] == 5


def test_nobody_else_gets_a_scope(dataset, learner):
    assert selectors.Scope.for_user(learner) is None
    assert selectors.Scope.for_user(AnonymousUser()) is None
    assert selectors.Scope.for_user(dataset.users.a) is None


def test_focal_point_sees_only_their_country(dataset, focal_point_mx):
    scope = selectors.Scope.for_user(focal_point_mx)
    assert (scope.country, scope.offering_keys, scope.is_region) == ("MX", None, False)
    assert selectors.headline(scope, ALL) == MEXICO
    assert selectors.headline(scope, selectors.Filters(countries=("MX",))) == MEXICO
    assert table(selectors.breakdown(scope, ALL, ("country",))) == [(("MX",), 1, 1, 100.0, 1, 1, 1, 9)]
    assert selectors.monthly(scope, ALL) == [
        {"month": datetime.date(2025, 1, 1), "enrolments": 1, "completions": 0, "participants": 0},
        {"month": datetime.date(2025, 3, 1), "enrolments": 0, "completions": 1, "participants": 1},
    ]


def test_focal_point_asking_for_another_country_gets_nothing(dataset, focal_point_mx):
    scope = selectors.Scope.for_user(focal_point_mx)
    for countries in (("GT",), ("GT", "HN", "CO")):
        filters = selectors.Filters(countries=countries)
        assert selectors.headline(scope, filters) == NOTHING
        assert selectors.breakdown(scope, filters, ("country",)) == []
        assert selectors.breakdown(scope, filters, ("offering",)) == []
        assert selectors.monthly(scope, filters) == []
    # Asking for MX among others still gives only MX.
    assert selectors.headline(scope, selectors.Filters(countries=("GT", "MX"))) == MEXICO
    assert [r.key for r in selectors.breakdown(scope, selectors.Filters(countries=("GT", "MX")),
                                               ("country", "line"))] == [
        ("MX", dataset.lines["training"]), ("MX", dataset.lines["seminars"])]


def test_trainer_sees_the_courses_they_teach_and_the_seminars_they_organise(dataset, trainer):
    # `trainer` teaches C1 (both languages) and organises S1; C2 and S2 are someone else's.
    scope = selectors.Scope.for_user(trainer)
    assert scope.offering_keys == {dataset.c1.translation_key, dataset.s1.translation_key}
    # C1: A, B, C, D (A, B completed; scores 90, 70, 40; A's certificate valid, B's revoked).
    # S1: E (all sessions, attendance certificate), G (one session). E counts as trained through S1.
    assert selectors.headline(scope, ALL) == expect(
        enrolments=4, active_learners=4, completions=2, completion_rate=50.0, certificates=2, officials_trained=3,
        institutions=4, training_hours=20, course_hours=16, seminar_hours=4, average_score=66.7,
        seminar_participants=2, attendance_rate=50.0)
    assert table(selectors.breakdown(scope, ALL, ("offering",))) == [
        ((str(dataset.c1.translation_key),), 4, 2, 50.0, 4, 0, 2, 16),
        ((str(dataset.s1.translation_key),), 0, 0, None, 0, 2, 1, 4),
    ]
    assert selectors.monthly(scope, ALL) == [
        {"month": datetime.date(2025, 1, 1), "enrolments": 3, "completions": 0, "participants": 0},
        {"month": datetime.date(2025, 2, 1), "enrolments": 1, "completions": 1, "participants": 0},
        {"month": datetime.date(2025, 3, 1), "enrolments": 0, "completions": 1, "participants": 2},
    ]
    # Filtering on someone else's course gives nothing.
    assert selectors.headline(scope, selectors.Filters(course=dataset.c2.translation_key)) == NOTHING


def test_trainer_without_courses_sees_nothing(dataset):
    newcomer = UserFactory(role="Trainer", country="PA")
    scope = selectors.Scope.for_user(newcomer)
    assert scope.offering_keys == frozenset()
    assert selectors.headline(scope, ALL) == NOTHING
    assert selectors.breakdown(scope, ALL, ("country",)) == []
    assert selectors.monthly(scope, ALL) == []


# --- Query counts --------------------------------------------------------------------------------------------

GROUPINGS = [("country",), ("country", "line"), ("topic",), ("offering",), ("institution",), ("gender",)]


def query_counts(scope, dataset) -> dict[tuple, int]:
    """Queries run by each selector, for a few filter sets: {(selector, filter set, grouping): count}."""
    filter_sets = {
        "all": ALL,
        "period": selectors.Filters(start=datetime.date(2025, 2, 1), end=datetime.date(2025, 3, 31)),
        "dimensions": selectors.Filters(country_status="member", gender="female", language="es",
                                        topic=dataset.topics["consular-protection"]),
    }
    calls = {}
    for name, filters in filter_sets.items():
        calls["headline", name, ()] = lambda f=filters: selectors.headline(scope, f, live=True)
        calls["monthly", name, ()] = lambda f=filters: selectors.monthly(scope, f, live=True)
        for by in GROUPINGS:
            calls["breakdown", name, by] = lambda f=filters, by=by: selectors.breakdown(scope, f, by, live=True)
    counts = {}
    for key, call in calls.items():
        with CaptureQueriesContext(connection) as queries:
            call()
        counts[key] = len(queries)
    return counts


def more_data(dataset) -> None:
    """Twelve more officials from four more countries, in every course and seminar, with the whole record."""
    for n, country in enumerate(("PA", "CR", "US", "CA") * 3):
        institution = InstitutionFactory(name=f"Institución {n}", country=country, type="police")
        user = UserFactory(role="Learner", country=country, gender="male" if n % 2 else "female",
                           institution=institution)
        snapshot = {"country": country, "institution": institution, "gender": user.gender}
        course = (dataset.c1, dataset.c1_en, dataset.c2)[n % 3]
        enrollment = enrol(user, course, status="completed", requested=at(2025, 2, n + 1),
                           completed=at(2025, 3, n + 1), **snapshot)
        attempt(enrollment, dataset.final_key, 1, 50 + n, at(2025, 3, n + 1))
        activity_record(enrollment_id=enrollment.pk, moment=at(2025, 3, n + 1))
        certify(user, status="valid", issued_on=datetime.date(2025, 3, n + 1), template=dataset.template,
                enrollment=enrollment)
        registration = register(user, (dataset.s1, dataset.s2)[n % 2], status="confirmed",
                                attended_at=at(2025, 4, 1, 3), **snapshot)
        if registration.seminar_id == dataset.s1.pk:
            attend(registration, dataset.s1, [True, n % 3 == 0, True])


@pytest.mark.parametrize("who", ["secretariat", "focal_point_mx", "trainer"])
def test_query_counts_do_not_grow_with_the_data(dataset, who, request):
    scope = selectors.Scope.for_user(request.getfixturevalue(who))
    before = query_counts(scope, dataset)
    more_data(dataset)
    after = query_counts(scope, dataset)
    assert after == before
    # breakdown: four queries whatever the number of groups (its docstring); monthly: one per measure.
    assert {key: count for key, count in before.items() if key[0] == "breakdown" and count > 4} == {}
    assert {key: count for key, count in before.items() if key[0] == "monthly" and count > 3} == {}
    assert {key: count for key, count in before.items() if key[0] == "headline" and count > 9} == {}
    assert selectors.headline(selectors.Scope(), ALL)["enrolments"] == 5 + 12
