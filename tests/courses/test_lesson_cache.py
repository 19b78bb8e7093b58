"""Parts of a lesson page are worked out once and shared through the cache (its route and site, which privacy
restrictions apply, the previous/next links and the blocks that read the same for everyone). What learners rely on:
nothing older than the last publish is ever shown, a draft never reaches them, and a new restriction applies at once.
"""

import pytest
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from courses.models import LessonPage, ModulePage
from enrolments.models import Enrollment
from tests.courses.conftest import make_course, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(catalog):
    return make_course(catalog, title="Curso en caché", lessons=2)


@pytest.fixture
def reader(client, course, learner):
    Enrollment.objects.create(user=learner, course=course, course_key=course.translation_key, status="active")
    client.force_login(learner)
    return client


def lessons(course) -> list[LessonPage]:
    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


def test_lesson_text_follows_each_publish(reader, course):
    lesson = lessons(course)[0]
    assert "palabra palabra" in reader.get(lesson.url).content.decode()

    lesson.body = [("paragraph", RichText("<p>Texto revisado por la formadora.</p>"))]
    publish(lesson)
    html = reader.get(lesson.url).content.decode()

    assert "Texto revisado por la formadora." in html
    assert "palabra palabra" not in html


def test_a_draft_shown_in_preview_never_reaches_learners(reader, course, trainer):
    lesson = lessons(course)[0]
    reader.get(lesson.url)  # the published text is cached
    draft = LessonPage.objects.get(pk=lesson.pk)
    draft.body = [("paragraph", RichText("<p>Borrador sin publicar.</p>"))]
    draft.save_revision()

    preview = draft.make_preview_request(extra_request_attrs={"user": trainer})
    assert "Borrador sin publicar." in preview.content.decode()
    html = reader.get(lesson.url).content.decode()

    assert "Borrador sin publicar." not in html
    assert "palabra palabra" in html


def test_next_and_previous_links_follow_new_and_withdrawn_lessons(reader, course):
    first, last = lessons(course)
    assert 'rel="next"' not in reader.get(last.url).content.decode()

    module = ModulePage.objects.descendant_of(course).get()
    added = module.add_child(instance=LessonPage(title="Lección añadida", slug="leccion-anadida",
                                                 body=[("paragraph", RichText("<p>Nueva.</p>"))]))
    publish(added)
    html = reader.get(last.url).content.decode()
    assert 'rel="next"' in html and "Lección añadida" in html and added.url in html
    assert "Lesson 2 of 3" in html or "Lección 2 de 3" in html

    added.unpublish()
    assert 'rel="next"' not in reader.get(last.url).content.decode()


def test_a_restriction_set_after_a_visit_applies_at_once(reader, course, learner):
    lesson = lessons(course)[0]
    assert reader.get(lesson.url).status_code == 200

    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.PASSWORD,
                                       password="clave-del-curso")
    response = reader.get(lesson.url)

    assert response.status_code == 200
    assert "palabra palabra" not in response.content.decode()  # the password form instead of the lesson
    assert 'name="password"' in response.content.decode()


def test_a_lifted_restriction_applies_at_once(reader, course):
    lesson = lessons(course)[0]
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.PASSWORD,
                                                     password="clave-del-curso")
    assert "palabra palabra" not in reader.get(lesson.url).content.decode()

    restriction.delete()

    assert "palabra palabra" in reader.get(lesson.url).content.decode()


def test_a_course_closed_to_the_reader_after_a_visit_closes_its_lessons_at_once(reader, course):
    from crm.models import Network

    lesson = lessons(course)[0]
    assert reader.get(lesson.url).status_code == 200  # the lesson, its course and its route are now cached

    course.audience = "network"
    course.audience_network = Network.objects.get(slug="consular-protection")  # the reader is not a member
    publish(course)

    assert reader.get(lesson.url).status_code == 404


def test_an_unpublished_lesson_is_gone_at_once(reader, course):
    lesson = lessons(course)[0]
    assert reader.get(lesson.url).status_code == 200

    LessonPage.objects.get(pk=lesson.pk).unpublish()

    assert reader.get(lesson.url).status_code == 404
