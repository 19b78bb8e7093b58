"""The quiz in the lesson: no answers in the page before submission, POST/redirect/GET, refusals."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.models import QuizAttempt
from tests.factories import UserFactory
from tests.quizzes.conftest import ALL_RIGHT, QUIZ_ID, enrol, lesson_with_quizzes, quiz_raw

pytestmark = pytest.mark.django_db
SUBMIT = reverse("quizzes:submit")
SECRETS = ("FEEDBACK-", "correct", "Correct", "true", "data-")


def quiz_html(client, lesson) -> str:
    response = client.get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'<section class="quiz".*?</section>', html, re.S)
    assert match, "the lesson renders no quiz"
    return match.group(0)


def form_data(lesson, answers, block_id=QUIZ_ID) -> dict:
    data = {"lesson": str(lesson.pk), "block": block_id}
    data.update({f"q-{qid}": chosen for qid, chosen in answers.items()})
    return data


def test_form_holds_no_answers_before_submission(client, learner, quiz_lesson, enrolment):
    client.force_login(learner)
    html = quiz_html(client, quiz_lesson)
    for secret in SECRETS:
        assert secret not in html
    # A plain, accessible form: a fieldset per question, labelled inputs whose values are opaque ids.
    assert html.count('<fieldset class="quiz__question">') == 3 and html.count("<legend>") == 3
    assert f'action="{SUBMIT}"' in html and "csrfmiddlewaretoken" in html
    assert 'type="radio" name="q-q1" id="q-q1-q1a" value="q1a" required' in html
    assert '<label for="q-q1-q1a">Pasaporte</label>' in html
    assert 'type="checkbox" name="q-q2"' in html
    assert f'name="block" value="{QUIZ_ID}"' in html and f'name="lesson" value="{quiz_lesson.pk}"' in html


def test_submit_redirects_to_the_lesson_which_shows_the_result(client, learner, quiz_lesson, enrolment):
    client.force_login(learner)
    response = client.post(SUBMIT, form_data(quiz_lesson, {**ALL_RIGHT, "q1": "q1b", "q2": ["", "q2a"]}))
    assert response.status_code == 302
    assert response["Location"] == f"{quiz_lesson.url}#quiz-{QUIZ_ID}"
    attempt = QuizAttempt.objects.get()
    assert attempt.answers == {"q1": ["q1b"], "q2": ["q2a"], "q3": ["q3b"]}
    assert attempt.score_percent == Decimal("33.33") and not attempt.passed

    html = quiz_html(client, quiz_lesson)
    assert "Not passed yet" in html and "33.33%" in html.replace(",", ".")
    assert "1 of 3 attempts used; 2 left." in html
    # Feedback for this attempt: every question's, and the chosen answer's, but not unchosen answers'.
    for text in ("FEEDBACK-QUESTION-ONE", "FEEDBACK-QUESTION-TWO", "FEEDBACK-QUESTION-THREE",
                 "FEEDBACK-CHOICE-BOLETO"):
        assert text in html
    assert "FEEDBACK-CHOICE-PASAPORTE" not in html
    assert "Try again" in html


def test_attempts_run_out(client, learner, catalog):
    lesson = lesson_with_quizzes(catalog, (QUIZ_ID, quiz_raw(max_attempts=1)))
    enrol(learner, lesson)
    client.force_login(learner)
    client.post(SUBMIT, form_data(lesson, {**ALL_RIGHT, "q1": "q1b"}))
    html = quiz_html(client, lesson)
    assert "<form" not in html and "You have used every attempt" in html

    response = client.post(SUBMIT, form_data(lesson, ALL_RIGHT), follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "You have used all the attempts this quiz allows (1)." in response.content.decode()
    assert QuizAttempt.objects.count() == 1


def test_not_enrolled_learner_gets_403(client, quiz_lesson):
    outsider = UserFactory(role="Learner", country="GT")
    client.force_login(outsider)
    assert client.post(SUBMIT, form_data(quiz_lesson, ALL_RIGHT)).status_code == 403
    assert not QuizAttempt.objects.exists()


def test_anonymous_is_sent_to_login(client, quiz_lesson):
    response = client.post(SUBMIT, form_data(quiz_lesson, ALL_RIGHT))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_get_is_not_allowed(client, learner):
    client.force_login(learner)
    assert client.get(SUBMIT).status_code == 405


@pytest.mark.parametrize(("body", "message"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    (json.dumps({"block": QUIZ_ID, "answers": ALL_RIGHT}), "does not name a lesson"),
    (json.dumps({"lesson": True, "block": QUIZ_ID, "answers": ALL_RIGHT}), "does not name a lesson"),
    (json.dumps({"lesson": "LESSON", "answers": ALL_RIGHT}), "does not name a quiz"),
    (json.dumps({"lesson": "LESSON", "block": QUIZ_ID, "answers": "q1a"}), "map each question"),
    (json.dumps({"lesson": "LESSON", "block": QUIZ_ID, "answers": {"q1": ["q1a"]}}), "Answer question 2"),
    (json.dumps({"lesson": "LESSON", "block": "other", "answers": ALL_RIGHT}), "not part of the lesson"),
])
def test_malformed_json_is_a_400(client, learner, quiz_lesson, enrolment, body, message):
    client.force_login(learner)
    response = client.post(SUBMIT, body.replace('"LESSON"', str(quiz_lesson.pk)), content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not QuizAttempt.objects.exists()


def test_json_submission(client, learner, quiz_lesson, enrolment):
    client.force_login(learner)
    body = {"lesson": quiz_lesson.pk, "block": QUIZ_ID, "answers": ALL_RIGHT}
    response = client.post(SUBMIT, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"attempt": 1, "score_percent": "100.00", "passed": True}


@pytest.mark.parametrize(("change", "message"), [
    ({"lesson": "abc"}, "does not name a lesson"),
    ({"q-q1": "q2a"}, "not one of its answers"),
    ({"q-q9": "q1a"}, "question this quiz does not have"),
])
def test_malformed_form_is_a_400_page(client, learner, quiz_lesson, enrolment, change, message):
    client.force_login(learner)
    response = client.post(SUBMIT, {**form_data(quiz_lesson, ALL_RIGHT), **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_missing_question_in_form_is_a_400(client, learner, quiz_lesson, enrolment):
    client.force_login(learner)
    data = form_data(quiz_lesson, ALL_RIGHT)
    del data["q-q3"]
    response = client.post(SUBMIT, data)
    assert response.status_code == 400 and "Answer question 3" in response.content.decode()


def test_unpublished_lesson_is_a_404(client, learner, quiz_lesson, enrolment):
    quiz_lesson.unpublish()
    client.force_login(learner)
    assert client.post(SUBMIT, form_data(quiz_lesson, ALL_RIGHT)).status_code == 404


def test_passing_through_the_form_completes_the_lesson(client, learner, quiz_lesson, enrolment):
    client.force_login(learner)
    client.post(SUBMIT, form_data(quiz_lesson, ALL_RIGHT))
    assert enrolment.progress.get().status == "completed"
    assert "Passed" in quiz_html(client, quiz_lesson)


def test_shuffled_order_is_stable_per_attempt(client, learner, catalog):
    lesson = lesson_with_quizzes(catalog, (QUIZ_ID, quiz_raw(shuffle_questions=True, shuffle_choices=True,
                                                             max_attempts=0)))
    enrol(learner, lesson)
    client.force_login(learner)

    def order(html):
        return re.findall(r'id="q-(q\d[a-z]?)(?:-(q\d[a-z]))?"', html)

    first = order(quiz_html(client, lesson))
    assert first == order(quiz_html(client, lesson))
    orders = {tuple(first)}
    for _ in range(4):
        client.post(SUBMIT, form_data(lesson, ALL_RIGHT))
        orders.add(tuple(order(quiz_html(client, lesson))))
    assert len(orders) > 1


def test_quiz_rendering_reads_the_attempts_in_one_query(client, learner, catalog, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    lesson = lesson_with_quizzes(catalog, (QUIZ_ID, quiz_raw(max_attempts=0)))
    enrollment = enrol(learner, lesson)
    client.force_login(learner)
    for _ in range(3):
        client.post(SUBMIT, form_data(lesson, ALL_RIGHT))
    request = RequestFactory().get(lesson.url)
    request.user = learner
    template = Template("{% load wagtailcore_tags %}{% for block in page.body %}{% include_block block %}{% endfor %}")
    with django_assert_num_queries(1):  # the enrolment is known to the lesson page: only the attempts are read
        html = template.render(Context({"page": lesson, "request": request, "enrollment": enrollment}))
    assert "3 attempts used." in html
    with django_assert_num_queries(2):  # otherwise one more, once per request
        template.render(Context({"page": lesson, "request": request}))


def test_visitor_without_enrolment_sees_the_questions_but_cannot_submit(learner, quiz_lesson):
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get(quiz_lesson.url)
    request.user = learner  # e.g. a trainer previewing the lesson
    template = Template("{% load wagtailcore_tags %}{% for block in page.body %}{% include_block block %}{% endfor %}")
    html = template.render(Context({"page": quiz_lesson, "request": request}))
    assert html.count('<fieldset class="quiz__question" disabled>') == 3
    assert "Only learners enrolled in the course" in html and 'type="submit"' not in html
    for secret in SECRETS:
        assert secret not in html


def test_trainer_can_edit_a_lesson_with_a_quiz(client, quiz_lesson):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[quiz_lesson.pk]))
    assert response.status_code == 200
