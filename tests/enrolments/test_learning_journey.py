"""A learner enrols from the course page, works through lessons, and completes the course exactly once."""

import pytest
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Locale

from courses.models import LessonPage
from enrolments.models import Enrollment, LessonProgress
from tests.courses.conftest import make_course, translate_course
from tests.factories import UserFactory
from tests.recorders import completed_enrollments

pytestmark = pytest.mark.django_db

@pytest.fixture
def course(catalog):
    return make_course(catalog, title="Curso de prueba", modules=2, lessons=2)


def lessons_of(course):
    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


def test_enrol_from_course_page(client, course):
    user = UserFactory()
    client.force_login(user)
    html = client.get(course.url).content.decode()
    assert reverse("enrolments:enrol", args=(course.pk,)) in html
    response = client.post(reverse("enrolments:enrol", args=(course.pk,)))
    assert response.status_code == 302 and response["Location"] == course.url
    assert Enrollment.objects.get(user=user).status == "active"
    html = client.get(course.url).content.decode()
    assert '<progress max="100" value="0">' in html and "Comenzar el curso" in html


def test_enrol_requires_post_and_login(client, course):
    assert client.get(reverse("enrolments:enrol", args=(course.pk,))).status_code in (302, 405)
    response = client.post(reverse("enrolments:enrol", args=(course.pk,)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Enrollment.objects.exists()


def test_refused_enrolment_shows_message_and_changes_nothing(client, catalog):
    full = make_course(catalog, title="Lleno", seat_limit=1)
    Enrollment.objects.create(user=UserFactory(), course=full, course_key=full.translation_key, status="active")
    client.force_login(UserFactory())
    response = client.post(reverse("enrolments:enrol", args=(full.pk,)), follow=True)
    assert "Este curso está completo." in response.content.decode()
    assert Enrollment.objects.count() == 1


@override_settings(COURSE_COMPLETED_HANDLERS=["tests.recorders.record_completion"])
def test_progress_continue_and_completion_exactly_once(client, course, django_capture_on_commit_callbacks):
    completed_enrollments.clear()
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("enrolments:enrol", args=(course.pk,)))
    enrollment = Enrollment.objects.get(user=user)
    lessons = lessons_of(course)

    client.get(lessons[0].url)
    progress = LessonProgress.objects.get(enrollment=enrollment)
    assert progress.status == "in_progress" and progress.first_visit_at
    response = client.post(reverse("enrolments:complete_lesson", args=(lessons[0].pk,)))
    assert response["Location"] == lessons[1].url  # straight on to the next unfinished lesson
    html = client.get(course.url).content.decode()
    assert '<progress max="100" value="25">' in html
    assert f'href="{lessons[1].url}"' in html and "Continuar donde lo dejó" in html

    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons[1:]:
            client.post(reverse("enrolments:complete_lesson", args=(lesson.pk,)))
        # Reporting completion again does nothing more.
        client.post(reverse("enrolments:complete_lesson", args=(lessons[-1].pk,)))
    enrollment.refresh_from_db()
    assert enrollment.status == "completed" and enrollment.completed_at
    assert completed_enrollments == [enrollment.pk]
    assert '<progress max="100" value="100">' in client.get(course.url).content.decode()


def test_language_switch_keeps_progress(client, catalog):
    course = make_course(catalog, title="Bilingüe", modules=1, lessons=2)
    english = translate_course(course, "en", "Bilingual")
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("enrolments:enrol", args=(course.pk,)))
    first = lessons_of(course)[0]
    client.post(reverse("enrolments:complete_lesson", args=(first.pk,)))
    html = client.get(english.url).content.decode()
    assert '<progress max="100" value="50">' in html
    english_first = first.get_translation(Locale.objects.get(language_code="en"))
    response = client.post(reverse("enrolments:complete_lesson", args=(english_first.pk,)))
    assert response.status_code == 302
    assert LessonProgress.objects.filter(status="completed").count() == 1  # the same lesson, not a new one


def test_other_users_cannot_complete_or_withdraw_for_me(client, course):
    owner = UserFactory()
    enrollment = Enrollment.objects.create(user=owner, course=course, course_key=course.translation_key,
                                           status="active")
    intruder = UserFactory()
    client.force_login(intruder)
    assert client.post(reverse("enrolments:withdraw", args=(enrollment.pk,))).status_code == 404
    assert client.post(reverse("enrolments:complete_lesson", args=(lessons_of(course)[0].pk,))).status_code == 404
    assert Enrollment.objects.get(pk=enrollment.pk).status == "active"


@pytest.mark.parametrize("count", [1, 30])
def test_course_page_queries_constant_in_enrolments(client, catalog, django_assert_max_num_queries, count):
    user = UserFactory()
    courses = [make_course(catalog, title=f"Curso {n}", modules=1, lessons=1) for n in range(count)]
    for course in courses:
        Enrollment.objects.create(user=user, course=course, course_key=course.translation_key, status="active")
    client.force_login(user)
    client.get(courses[0].url)
    with django_assert_max_num_queries(24):
        assert client.get(courses[0].url).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_dashboard_lists_courses_with_constant_queries(client, catalog, django_assert_max_num_queries, count):
    user = UserFactory()
    courses = [make_course(catalog, title=f"Curso {n:02d}", modules=1, lessons=2) for n in range(count)]
    for n, course in enumerate(courses):
        status = ["active", "pending", "completed"][n % 3]
        Enrollment.objects.create(user=user, course=course, course_key=course.translation_key, status=status)
    active = Enrollment.objects.filter(user=user, status="active").first()
    first_lesson = lessons_of(active.course)[0]
    LessonProgress.objects.create(enrollment=active, lesson_key=first_lesson.translation_key, status="completed")
    client.force_login(user)
    # The same budget for 1 and 30 enrolments (session, user, enrolments with counts, lessons, site...).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enrolments:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<progress max="100" value="50"' in html  # one of two lessons done
    assert html.count('class="card"') == len([c for n, c in enumerate(courses) if n % 3 == 0])


def test_dashboard_shows_only_my_enrolments(client, catalog):
    mine, theirs = make_course(catalog, title="El mío"), make_course(catalog, title="El de otra persona")
    me, other = UserFactory(), UserFactory()
    Enrollment.objects.create(user=me, course=mine, course_key=mine.translation_key, status="active")
    Enrollment.objects.create(user=other, course=theirs, course_key=theirs.translation_key, status="active")
    client.force_login(me)
    html = client.get(reverse("enrolments:dashboard")).content.decode()
    assert "El mío" in html and "El de otra persona" not in html
