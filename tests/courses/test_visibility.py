"""Catalogue and outlines are public; lessons need login; audience-restricted courses exist only for their audience."""

import pytest

from courses.models import LessonPage
from crm.models import Network
from enrolments.models import Enrollment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_course(course_factory):
    return course_factory(title="Curso abierto")


@pytest.fixture
def member_course(course_factory):
    return course_factory(title="Curso para funcionarios", audience="member_officials")


@pytest.fixture
def network_course(course_factory):
    network = Network.objects.get(slug="consular-protection")
    return course_factory(title="Curso de la red consular", audience="network", audience_network=network)


def first_lesson(course):
    return course.get_descendants().type(LessonPage).first()


def test_catalogue_and_outline_public_lessons_need_login(client, catalog, open_course):
    assert client.get(catalog.url).status_code == 200
    response = client.get(open_course.url)
    assert response.status_code == 200
    assert "Módulo 1" in response.content.decode() and "Lección 1.1" in response.content.decode()
    lesson = first_lesson(open_course)
    response = client.get(lesson.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    user = UserFactory()
    client.force_login(user)
    response = client.get(lesson.url)  # logged in but not enrolled: back to the course page to enrol
    assert response.status_code == 302 and response["Location"] == open_course.url
    Enrollment.objects.create(user=user, course=open_course, course_key=open_course.translation_key,
                              status=Enrollment.Status.ACTIVE)
    assert client.get(lesson.url).status_code == 200


def test_module_url_leads_to_outline(client, open_course):
    module = open_course.get_children().first()
    response = client.get(module.url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#module-{module.pk}")


@pytest.mark.parametrize(
    ("who", "sees_member", "sees_network"),
    [
        ("anonymous", False, False),
        ("observer_official", False, False),  # Colombia is an observer, not a member state
        ("member_official", True, False),
        ("network_member", True, True),
        ("secretariat", True, True),
    ],
)
def test_audience_restrictions_on_listing_and_direct_urls(client, catalog, open_course, member_course, network_course,
                                                          who, sees_member, sees_network):
    if who == "observer_official":
        client.force_login(UserFactory(country="CO"))
    elif who == "member_official":
        client.force_login(UserFactory(country="HN"))
    elif who == "network_member":
        user = UserFactory(country="MX")
        Network.objects.get(slug="consular-protection").members.add(user)
        client.force_login(user)
    elif who == "secretariat":
        client.force_login(UserFactory(role="Secretariat", country="CR"))

    listing = client.get(catalog.url).content.decode()
    assert "Curso abierto" in listing
    assert ("Curso para funcionarios" in listing) == sees_member
    assert ("Curso de la red consular" in listing) == sees_network

    for course, allowed in ((member_course, sees_member), (network_course, sees_network)):
        module = course.get_children().first()
        lesson = first_lesson(course)
        for url in (course.url, module.url, lesson.url):
            status = client.get(url).status_code
            if allowed:
                assert status in (200, 302), (url, status)
            elif who == "anonymous" and url == lesson.url:
                assert status == 302  # lessons ask anonymous visitors to log in first, revealing nothing
            else:
                assert status == 404, (url, status)


def test_trainer_of_restricted_course_sees_it(client, catalog, network_course):
    trainer = UserFactory(role="Trainer", country="CR")
    network_course.trainers.add(trainer)
    network_course.save_revision().publish()
    client.force_login(trainer)
    assert "Curso de la red consular" in client.get(catalog.url).content.decode()
    assert client.get(network_course.url).status_code == 200


def test_restricted_courses_not_in_sitemap(client, catalog, open_course, network_course):
    xml = client.get("/sitemap.xml").content.decode()
    assert open_course.url in xml
    assert catalog.url in xml
    assert network_course.url not in xml
    assert "leccion" not in xml
    assert "/en/courses/" in xml  # other languages are listed too
