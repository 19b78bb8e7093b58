from django.utils import timezone

from enrolments.models import Enrollment
from metrics import selectors
from metrics.models import Offering
from seminars.models import Attendance, Registration


def test_selectors_run_on_a_small_dataset(course_factory, seminar_factory, learner, secretariat):
    course = course_factory(title="Trata de personas")
    seminar = seminar_factory(sessions=2, starts_at=timezone.now() - timezone.timedelta(days=5))
    assert Offering.objects.filter(key=course.translation_key, kind="course").exists()
    assert Offering.objects.get(key=seminar.translation_key).sessions.count() == 2
    Enrollment.objects.create(user=learner, course=course, course_key=course.translation_key, status="completed",
                              completed_at=timezone.now(), country="GT")
    registration = Registration.objects.create(user=learner, seminar=seminar, seminar_key=seminar.translation_key,
                                               status="confirmed", country="GT", attended_at=timezone.now())
    for session in seminar.sessions.all():
        Attendance.objects.create(registration=registration, session_key=session.key, present=True)
    scope = selectors.Scope.for_user(secretariat)
    figures = selectors.headline(scope, selectors.Filters())
    assert figures["enrolments"] == 1 and figures["completions"] == 1
    assert figures["officials_trained"] == 1
    assert figures["training_hours"] == 8 + 2
    rows = selectors.breakdown(scope, selectors.Filters(), ("country",))
    assert [(r.key, r.enrolments, r.participants, r.officials_trained) for r in rows] == [(("GT",), 1, 1, 1)]
    for by in (("line",), ("topic",), ("offering",), ("institution",), ("country", "line")):
        selectors.breakdown(scope, selectors.Filters(), by)
    assert selectors.monthly(scope, selectors.Filters())
