"""Seats under concurrent requests: never more enrolments than seats (PostgreSQL row locks)."""

import pytest
from django.db import connection
from wagtail.models import Locale, Page

from courses.models import CoursePage
from crm.models import ActionPlanLine
from enrolments.models import Enrollment
from enrolments.services import EnrollmentError, enrollment_request
from tests.factories import UserFactory
from tests.pg_threads import run_in_threads


def _course_with_seats(seats: int) -> CoursePage:
    """A published course built from scratch: earlier transactional tests may have flushed every table,
    including the rows the data migrations create (root page, locales, reference data)."""
    Locale.objects.get_or_create(language_code="es")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    line, _ = ActionPlanLine.objects.get_or_create(slug="training", defaults={"name_es": "Capacitación"})
    course = root.add_child(instance=CoursePage(title="Cupo disputado", slug="cupo-disputado", summary="Cupo",
                                                action_plan_line=line, seat_limit=seats))
    course.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


@pytest.mark.django_db(transaction=True)
def test_no_overbooking_under_concurrent_requests():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs this against it)")
    course = _course_with_seats(3)
    users = [UserFactory() for _ in range(12)]

    def attempt(user):
        try:
            enrollment_request(user=user, course=course)
        except EnrollmentError as error:
            return error.code
        return "enrolled"

    outcomes = run_in_threads(attempt, users)
    assert outcomes.count("enrolled") == 3
    assert outcomes.count("full") == 9
    assert Enrollment.objects.filter(course_key=course.translation_key, status="active").count() == 3
