"""With H5P_PLAYER_ORIGIN set, the player is framed from that (cookieless) origin and answers only to the site."""

import io
import json
import re

import pytest
from django.core.cache import cache

from courses.models import LessonPage
from h5p.sample import sample_package
from h5p.services import package_import
from tests.courses.conftest import make_course, publish
from tests.quizzes.conftest import enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(catalog):
    package = package_import(io.BytesIO(sample_package(title="Origen", question="¿Origen?", correct=True)))
    course = make_course(catalog, title="Curso con H5P", lessons=1)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.body = [{"type": "h5p", "id": "act", "value": {"package": package.pk, "title": "Actividad", "weight": 1,
                                                            "required": True}}]
    publish(lesson)
    cache.clear()
    return LessonPage.objects.get(pk=lesson.pk)


def frame_src(client, lesson) -> str:
    html = client.get(lesson.url).content.decode()
    return re.search(r'<iframe class="h5p-activity__frame" src="([^"]+)"', html).group(1)


def test_separate_origin_frames_the_player_from_it(client, settings, learner, lesson):
    settings.H5P_PLAYER_ORIGIN = "https://player.campus.test"
    settings.SITE_URL = "https://campus.test"
    enrol(learner, lesson)
    client.force_login(learner)
    src = frame_src(client, lesson)
    assert src.startswith("https://player.campus.test/h5p/play/")

    # The player origin receives no session cookie: the token alone lets the right files through.
    player = client.__class__()
    response = player.get(src.removeprefix("https://player.campus.test"))
    assert response.status_code == 200
    assert "frame-ancestors https://campus.test" in response["Content-Security-Policy"]
    parent = json.loads(re.search(r'id="h5p-parent-origin" type="application/json">([^<]*)<',
                                  response.content.decode()).group(1))
    assert parent == "https://campus.test"  # statements are posted to the site only
    options = json.loads(re.search(r'id="h5p-options" type="application/json">([^<]*)<',
                                   response.content.decode()).group(1))
    assert player.get(options["h5pJsonPath"] + "/h5p.json").status_code == 200


def test_same_origin_by_default(client, learner, lesson):
    enrol(learner, lesson)
    client.force_login(learner)
    src = frame_src(client, lesson)
    assert src.startswith("/h5p/play/")
    response = client.get(src)
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert 'id="h5p-parent-origin" type="application/json">""<' in response.content.decode()


def test_player_speaks_the_lesson_language(client, settings, learner, lesson):
    settings.LOCALE_PATHS = [settings.BASE_DIR / "locale"]  # the project's catalogues, as in production
    enrol(learner, lesson)
    client.force_login(learner)
    response = client.get(frame_src(client, lesson), HTTP_ACCEPT_LANGUAGE="fr")
    options = json.loads(re.search(r'id="h5p-options" type="application/json">([^<]*)<',
                                   response.content.decode()).group(1))
    assert options["translations"]["H5P"]["fullscreen"] == "Pantalla completa"  # the lesson is in Spanish
    assert '<html lang="es">' in response.content.decode()
