"""Trainers see their own courses' learners with progress, filter by country and export CSV/XLSX."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from courses.models import LessonPage
from enrolments.models import Enrollment, LessonProgress
from quizzes.models import QuizAttempt
from tests.courses.conftest import make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def taught(catalog, trainer):
    course = make_course(catalog, title="Curso del formador", modules=1, lessons=2)
    course.trainers.add(trainer)
    course.save_revision().publish()
    for country, name, done in (("GT", "Ana Guatemala", 1), ("HN", "Beto Honduras", 0), ("GT", "Carla Guatemala", 2)):
        user = UserFactory(country=country, full_name=name)
        enrollment = Enrollment.objects.create(user=user, course=course, course_key=course.translation_key,
                                               country=country, status="completed" if done == 2 else "active")
        for item in LessonPage.objects.live().descendant_of(course).order_by("path")[:done]:
            LessonProgress.objects.create(enrollment=enrollment, lesson_key=item.translation_key, status="completed")
        if name == "Ana Guatemala":  # two quiz attempts: the best one is shown
            for number, score in ((1, "40.00"), (2, "85.50")):
                QuizAttempt.objects.create(enrollment=enrollment, lesson_key=course.translation_key, block_id="q",
                                           number=number, score_percent=score, passed=score == "85.50")
    return course


def test_trainer_sees_learners_with_progress_and_filters(client, trainer, taught):
    client.force_login(trainer)
    url = reverse("enrolments_trainer:learners", args=(taught.pk,))
    html = client.get(url).content.decode()
    assert "Ana Guatemala" in html and "Beto Honduras" in html
    assert "50 % (1)" in html and "100 % (2)" in html
    assert "85,5" in html or "85.5" in html
    filtered = client.get(url + "?country=GT").content.decode()
    assert "Ana Guatemala" in filtered and "Beto Honduras" not in filtered
    assert "Curso del formador" in client.get(reverse("enrolments_trainer:courses")).content.decode()


def test_exports(client, trainer, taught):
    client.force_login(trainer)
    url = reverse("enrolments_trainer:learners", args=(taught.pk,))
    response = client.get(url + "?export=csv&country=GT")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 3  # heading + two Guatemalan learners
    assert {row[0] for row in rows[1:]} == {"Ana Guatemala", "Carla Guatemala"}
    scores = {row[0]: row[7] for row in rows[1:]}
    assert float(scores["Ana Guatemala"]) == 85.5 and scores["Carla Guatemala"] == ""
    response = client.get(url + "?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 4
    percents = sorted(row[6] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert percents == [0, 50, 100]


def test_other_trainers_and_learners_are_kept_out(client, taught):
    other_trainer = UserFactory(role="Trainer")
    client.force_login(other_trainer)
    url = reverse("enrolments_trainer:learners", args=(taught.pk,))
    assert client.get(url).status_code == 404
    assert client.get(url + "?export=csv").status_code == 404
    assert "Curso del formador" not in client.get(reverse("enrolments_trainer:courses")).content.decode()
    client.force_login(UserFactory())
    assert client.get(url).status_code in (302, 403)
