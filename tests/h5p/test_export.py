"""Exporting stored xAPI statements: the command and the Secretariat's admin download."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from courses.models import LessonPage
from h5p.models import XAPIStatement
from h5p.sample import sample_package
from h5p.services import package_import, xapi_record
from tests.courses.conftest import make_course, publish
from tests.quizzes.conftest import enrol

pytestmark = pytest.mark.django_db

ANSWERED = {"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}, "object": {"id": "http://x.test/a"},
            "result": {"score": {"raw": 1, "min": 0, "max": 1}, "success": True}}


def course_with_activity(catalog, title: str):
    package = package_import(io.BytesIO(sample_package(title=title, question=f"¿{title}?", correct=True)))
    course = make_course(catalog, title=title, lessons=1)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.body = [{"type": "h5p", "id": "act", "value": {"package": package.pk, "title": "", "weight": 1,
                                                            "required": True}}]
    publish(lesson)
    return course, LessonPage.objects.get(pk=lesson.pk), package


@pytest.fixture
def statements(catalog, learner):
    """One statement in each of two courses."""
    made = []
    for title in ("Curso uno", "Curso dos"):
        course, lesson, package = course_with_activity(catalog, title)
        enrollment = enrol(learner, lesson)
        xapi_record(user=learner, enrollment=enrollment, lesson=lesson, block_id="act", package=package,
                    statement=ANSWERED)
        made.append(course)
    return made


def test_command_exports_a_json_array(statements, capsys):
    call_command("export_xapi")
    exported = json.loads(capsys.readouterr().out)
    assert len(exported) == 2 == XAPIStatement.objects.count()
    assert {s["id"] for s in exported} == {str(pk) for pk in XAPIStatement.objects.values_list("pk", flat=True)}
    assert all(s["verb"]["id"].endswith("/answered") and "account" in s["actor"] for s in exported)


def test_command_filters_by_course_and_date(statements, capsys, tmp_path):
    target = tmp_path / "out.json"
    call_command("export_xapi", course=statements[0].slug, output=str(target))
    exported = json.loads(target.read_text())
    assert len(exported) == 1 and exported[0]["object"]["id"].endswith("/act")
    call_command("export_xapi", since="2999-01-01")
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize(("options", "message"), [
    ({"course": "no-such-course"}, "no-such-course"),
    ({"since": "yesterday"}, "not a date"),
])
def test_command_refuses_bad_options(statements, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_xapi", **options)


def test_admin_download_is_for_the_secretariat(client, statements, secretariat, trainer):
    client.force_login(secretariat)
    response = client.get("/admin/h5p/xapi-export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert len(json.loads(b"".join(response.streaming_content))) == 2
    client.force_login(trainer)
    refused = client.get("/admin/h5p/xapi-export/")  # Wagtail's admin turns the 403 into a redirect + message
    assert refused.status_code in (302, 403) and refused["Content-Type"] != "application/json"
