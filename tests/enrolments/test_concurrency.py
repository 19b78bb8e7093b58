"""Seats under concurrent requests: never more enrolments than seats (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections

from enrolments.models import Enrollment
from enrolments.services import EnrollmentError, enrollment_request
from tests.courses.conftest import make_course
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_no_overbooking_under_concurrent_requests(migration_data, catalog):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs this against it)")
    course = make_course(catalog, title="Cupo disputado", seat_limit=3, modules=0)
    users = [UserFactory() for _ in range(12)]
    barrier = threading.Barrier(len(users))
    outcomes = []

    def attempt(user):
        try:
            barrier.wait()
            enrollment_request(user=user, course=course)
            outcomes.append("enrolled")
        except EnrollmentError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("enrolled") == 3
    assert outcomes.count("full") == 9
    assert Enrollment.objects.filter(course_key=course.translation_key, status="active").count() == 3
