"""The xAPI endpoint: statements are stored with the signed-in learner as actor, scores are clamped, results and
lesson/course completion follow (counted by the xapi_aggregate task once the statement is committed), and
statements are forwarded to an LRS when one is configured. Duplicates and the task itself: test_xapi_ingest.py."""

import json
from unittest import mock

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from enrolments.models import Enrollment, LessonProgress
from h5p.models import H5PAttempt, XAPIStatement
from h5p.services import VERB_ANSWERED, VERB_COMPLETED, activity_iri, statement_id
from tests.factories import UserFactory
from tests.h5p.conftest import ACTIVITY_ID, enrol, h5p_block, import_sample, lesson_with_h5p, teach

XAPI_URL = "/h5p/xapi/"
VERB_EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
FORGED_ACTOR = {"objectType": "Agent", "mbox": "mailto:someone@else.org", "name": "Someone Else"}


def statement(verb: str = VERB_ANSWERED, *, raw=1, min_=0, max_=1, success: bool | None = True,
              parent: str | None = None, **extra) -> dict:
    """A statement as H5P's JavaScript sends it, with an actor the server must not believe."""
    result = {"score": {"raw": raw, "min": min_, "max": max_}, "completion": True}
    if success is not None:
        result["success"] = success
    body = {
        "actor": FORGED_ACTOR,
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": "http://elsewhere.example/page?x=1",
                   "definition": {"name": {"es": "Pregunta"}}},
        "result": result,
    }
    if parent:
        body["context"] = {"contextActivities": {"parent": [{"id": parent, "objectType": "Activity"}]}}
    body.update(extra)
    return body


def post(client, lesson, data, block: str = ACTIVITY_ID, *, commit: bool = True):
    """POST a statement. In production the endpoint's INSERT commits at once and the aggregation task is queued on
    commit (run in-process: Celery is eager in tests); here the test's transaction never commits, so the callbacks
    are run as it would. `commit=False` leaves them to the caller's own django_capture_on_commit_callbacks."""
    payload = data if isinstance(data, (str, bytes)) else json.dumps(
        {"lesson": lesson.pk, "block": block, "statement": data})
    if not commit:
        return client.post(XAPI_URL, payload, content_type="application/json")
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(XAPI_URL, payload, content_type="application/json")


@pytest.fixture
def learner_client(client, learner, h5p_enrolment):
    client.force_login(learner)
    return client


def attempt_for(enrolment, lesson, block: str = ACTIVITY_ID) -> H5PAttempt:
    return H5PAttempt.objects.get(enrollment=enrolment, lesson_key=lesson.translation_key, block_id=block)


# --- Storing a statement ---------------------------------------------------------------------------------------------

def test_answered_statement_is_stored_with_the_session_user_as_actor(learner_client, learner, h5p_lesson,
                                                                     h5p_enrolment, h5p_package):
    response = post(learner_client, h5p_lesson, statement(raw=1, max_=1, success=True))

    assert response.status_code == 201, response.content
    record = XAPIStatement.objects.get()
    assert response.json() == {"stored": True, "duplicate": False, "id": str(record.pk),
                               "result": {"score": 1.0, "max_score": 1.0, "completed": True, "success": True}}
    assert (record.user, record.enrollment, record.package) == (learner, h5p_enrolment, h5p_package)
    assert (record.lesson_key, record.block_id, record.verb) == (h5p_lesson.translation_key, ACTIVITY_ID,
                                                                 VERB_ANSWERED)
    stored = record.statement
    assert stored["actor"]["account"]["name"] == str(learner.pk)
    assert "mbox" not in stored["actor"]
    assert "someone@else.org" not in json.dumps(stored)
    assert stored["id"] == str(record.pk)
    assert stored["authority"]["account"]["name"] == "campus-crm"
    assert stored["object"]["id"] == activity_iri(h5p_lesson.translation_key, ACTIVITY_ID)
    assert stored["object"]["id"] == f"http://testserver/h5p/activity/{h5p_lesson.translation_key}/{ACTIVITY_ID}"
    assert stored["object"]["definition"] == {"name": {"es": "Pregunta"}}  # the rest of the object is kept

    attempt = attempt_for(h5p_enrolment, h5p_lesson)
    assert (attempt.score, attempt.max_score, attempt.best_percent) == (1, 1, 100)
    assert attempt.completed and attempt.completed_at is not None
    assert attempt.success is True
    assert attempt.package == h5p_package


def test_browser_chosen_statement_id_and_stored_time_are_replaced(learner_client, learner, h5p_lesson):
    """The browser's id only names the statement among the learner's own: the stored id is derived from it and
    the user, so no browser can choose (or collide with) the id another learner's statement is stored under."""
    sent = statement(id="00000000-0000-0000-0000-000000000001", stored="1999-01-01T00:00:00Z",
                     authority=FORGED_ACTOR)

    assert post(learner_client, h5p_lesson, sent).status_code == 201

    record = XAPIStatement.objects.get()
    stored = record.statement
    assert stored["id"] != sent["id"]
    assert stored["id"] == str(record.pk) == str(statement_id(user_id=learner.pk, client_id=sent["id"]))
    assert not stored["stored"].startswith("1999")
    assert stored["authority"]["name"] == "Campus CRM"


def test_sub_question_statement_is_stored_but_does_not_complete_the_attempt(learner_client, h5p_lesson,
                                                                           h5p_enrolment):
    parent = "http://testserver/h5p/activity/x/act-1"
    sub = statement(raw=1, max_=1, parent=parent)
    sub["object"]["id"] = "http://elsewhere.example/page?subContentId=abc-123"

    assert post(learner_client, h5p_lesson, sub).status_code == 201

    record = XAPIStatement.objects.get()
    # A sub-question keeps its own identity under the platform's activity IRI.
    assert record.statement["object"]["id"] == (
        activity_iri(h5p_lesson.translation_key, ACTIVITY_ID) + "?subContentId=abc-123")
    attempt = attempt_for(h5p_enrolment, h5p_lesson)
    assert not attempt.completed
    assert attempt.score is None and attempt.success is None
    assert not LessonProgress.objects.filter(enrollment=h5p_enrolment, status="completed").exists()


def test_a_verb_other_than_completed_or_answered_scores_but_does_not_complete(learner_client, h5p_lesson,
                                                                             h5p_enrolment):
    assert post(learner_client, h5p_lesson, statement(VERB_EXPERIENCED, raw=1, max_=2,
                                                      success=None)).status_code == 201

    attempt = attempt_for(h5p_enrolment, h5p_lesson)
    assert (attempt.score, attempt.max_score, attempt.completed) == (1, 2, False)


@pytest.mark.parametrize(("score", "clamped"), [
    ({"raw": 15, "min": 0, "max": 10}, {"raw": 10, "min": 0, "max": 10}),
    ({"raw": -3, "min": 0, "max": 10}, {"raw": 0, "min": 0, "max": 10}),
    ({"raw": 5, "min": -5, "max": 10}, {"raw": 5, "min": 0, "max": 10}),
    ({"raw": 1, "min": 0, "max": 2, "scaled": 3}, {"raw": 1, "min": 0, "max": 2, "scaled": 1}),
    ({"raw": 1, "min": 0, "max": 2, "scaled": -0.5}, {"raw": 1, "min": 0, "max": 2, "scaled": 0}),
], ids=["raw-above-max", "negative-raw", "negative-min", "scaled-above-one", "negative-scaled"])
def test_scores_out_of_range_are_clamped(learner_client, h5p_lesson, h5p_enrolment, score, clamped):
    sent = statement()
    sent["result"]["score"] = score

    assert post(learner_client, h5p_lesson, sent).status_code == 201

    assert XAPIStatement.objects.get().statement["result"]["score"] == clamped
    attempt = attempt_for(h5p_enrolment, h5p_lesson)
    assert (attempt.score, attempt.max_score) == (clamped["raw"], clamped["max"])
    assert 0 <= attempt.best_percent <= 100


def test_best_percent_keeps_the_best_result_and_success_stays_once_passed(learner_client, h5p_lesson,
                                                                          h5p_enrolment):
    post(learner_client, h5p_lesson, statement(raw=8, max_=10, success=True))
    post(learner_client, h5p_lesson, statement(raw=2, max_=10, success=False))

    attempt = attempt_for(h5p_enrolment, h5p_lesson)
    assert (attempt.score, attempt.best_percent, attempt.success) == (2, 80, True)
    assert XAPIStatement.objects.count() == 2


# --- Refusals --------------------------------------------------------------------------------------------------------

def test_learner_not_enrolled_is_refused(client, h5p_lesson, h5p_enrolment):
    other = UserFactory(role="Learner", country="GT")
    client.force_login(other)

    response = post(client, h5p_lesson, statement())

    assert response.status_code == 403
    assert not XAPIStatement.objects.exists()
    assert not H5PAttempt.objects.exists()


@pytest.mark.parametrize("status", ["pending", "withdrawn", "rejected"])
def test_learner_whose_enrolment_is_not_active_is_refused(client, learner, h5p_lesson, status):
    enrol(learner, h5p_lesson, status=status)
    client.force_login(learner)

    assert post(client, h5p_lesson, statement()).status_code == 403
    assert not XAPIStatement.objects.exists()


def test_trainer_of_the_course_may_play_but_has_no_results_recorded(client, trainer, h5p_lesson):
    teach(trainer, h5p_lesson)
    client.force_login(trainer)

    response = post(client, h5p_lesson, statement())

    assert response.status_code == 403
    assert response.json()["error"] == "Only learners enrolled in the course have their results recorded."
    assert not XAPIStatement.objects.exists()


def test_learner_enrolled_elsewhere_cannot_post_to_another_course(client, learner, catalog, h5p_lesson,
                                                                 h5p_package):
    elsewhere = lesson_with_h5p(catalog, h5p_block(ACTIVITY_ID, h5p_package), title="Otro curso")
    enrol(learner, elsewhere)
    client.force_login(learner)

    assert post(client, h5p_lesson, statement()).status_code == 403
    assert not XAPIStatement.objects.exists()


@pytest.mark.parametrize(("lesson_id", "block"), [(10**9, ACTIVITY_ID), (None, "no-such-block")],
                         ids=["unknown-lesson", "unknown-block"])
def test_unknown_lesson_or_block_is_not_found(learner_client, h5p_lesson, lesson_id, block):
    payload = json.dumps({"lesson": lesson_id or h5p_lesson.pk, "block": block, "statement": statement()})

    response = learner_client.post(XAPI_URL, payload, content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {"error": "There is no such activity."}
    assert not XAPIStatement.objects.exists()


def test_unpublished_lesson_is_not_found(learner_client, h5p_lesson):
    h5p_lesson.unpublish()

    assert post(learner_client, h5p_lesson, statement()).status_code == 404


def test_anonymous_is_asked_to_sign_in(client, h5p_lesson):
    response = post(client, h5p_lesson, statement())

    assert response.status_code == 401
    assert response.json() == {"error": "Sign in to record your results."}
    assert not XAPIStatement.objects.exists()


@pytest.mark.parametrize("body", [
    "{not json",
    "[]",
    json.dumps({"block": ACTIVITY_ID, "statement": {}}),
    json.dumps({"lesson": 1, "statement": {}}),
    json.dumps({"lesson": 1, "block": ACTIVITY_ID}),
    json.dumps({"lesson": "one", "block": ACTIVITY_ID, "statement": {}}),
], ids=["malformed", "not-an-object", "no-lesson", "no-block", "no-statement", "lesson-not-a-number"])
def test_bad_payload_is_refused(learner_client, h5p_lesson, body):
    response = learner_client.post(XAPI_URL, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"error": "Send JSON with lesson, block and statement."}


def _without(key: str) -> dict:
    sent = statement()
    del sent[key]
    return sent


def _score(**score) -> dict:
    sent = statement()
    sent["result"]["score"] = score
    return sent


@pytest.mark.parametrize(("sent", "message"), [
    (_without("verb"), "The statement needs a verb and an object."),
    (_without("object"), "The statement needs a verb and an object."),
    ({**statement(), "verb": {"id": "answered"}}, "The statement's verb.id must be an IRI."),
    ({**statement(), "object": {"id": ""}}, "The statement's object.id must be an IRI."),
    (_score(raw="10", max="10"), "The statement's score must be made of numbers."),
    (_score(raw=True, max=1), "The statement's score must be made of numbers."),
    ({**statement(), "result": {"success": "yes"}}, "The statement's result.success must be true or false."),
    ({**statement(), "result": []}, "The statement's result and context must be objects."),
    ({**statement(), "context": {"contextActivities": []}}, "The statement's contextActivities must be an object."),
    ("a string", "The statement must be a JSON object."),
], ids=["no-verb", "no-object", "verb-not-iri", "object-id-empty", "score-strings", "score-boolean",
        "success-not-boolean", "result-not-object", "context-activities-list", "statement-not-object"])
def test_invalid_statement_is_refused_with_the_reason(learner_client, h5p_lesson, sent, message):
    payload = json.dumps({"lesson": h5p_lesson.pk, "block": ACTIVITY_ID, "statement": sent})

    response = learner_client.post(XAPI_URL, payload, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert not XAPIStatement.objects.exists()
    assert not H5PAttempt.objects.exists()


def test_oversized_statement_is_refused_and_nothing_stored(learner_client, h5p_lesson, settings):
    settings.XAPI_STATEMENT_MAX_BYTES = 2048
    sent = statement(padding="x" * 2048)

    response = post(learner_client, h5p_lesson, sent)

    assert response.status_code == 413
    assert response.json() == {"error": "The statement is larger than allowed."}
    assert not XAPIStatement.objects.exists()
    assert not H5PAttempt.objects.exists()


def test_statement_just_under_the_limit_is_accepted(learner_client, h5p_lesson, settings):
    settings.XAPI_STATEMENT_MAX_BYTES = 2048
    body = json.dumps({"lesson": h5p_lesson.pk, "block": ACTIVITY_ID, "statement": statement()})
    assert len(body) < 2048

    assert post(learner_client, h5p_lesson, body).status_code == 201


def test_get_is_not_allowed(learner_client):
    assert learner_client.get(XAPI_URL).status_code == 405


def test_post_without_csrf_token_is_refused(learner, h5p_lesson, h5p_enrolment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)

    response = post(client, h5p_lesson, statement())

    assert response.status_code == 403
    assert not XAPIStatement.objects.exists()


def test_post_with_csrf_token_is_accepted(learner, h5p_lesson, h5p_enrolment):
    """The lesson page gives its frame the token (data-csrf); the endpoint accepts it in the header."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    client.get(h5p_lesson.url)
    token = client.cookies["csrftoken"].value

    response = client.post(XAPI_URL, json.dumps({"lesson": h5p_lesson.pk, "block": ACTIVITY_ID,
                                                 "statement": statement()}),
                           content_type="application/json", headers={"X-CSRFToken": token})

    assert response.status_code == 201


# --- Lesson and course completion ------------------------------------------------------------------------------------

def test_completing_the_only_required_activity_completes_lesson_and_course_once(
    learner_client, h5p_lesson, h5p_enrolment, django_capture_on_commit_callbacks,
):
    with mock.patch("enrolments.events.course_completed") as completed, \
            django_capture_on_commit_callbacks(execute=True):
        assert post(learner_client, h5p_lesson, statement(), commit=False).status_code == 201

    progress = LessonProgress.objects.get(enrollment=h5p_enrolment, lesson_key=h5p_lesson.translation_key)
    assert progress.status == LessonProgress.Status.COMPLETED
    h5p_enrolment.refresh_from_db()
    assert h5p_enrolment.status == Enrollment.Status.COMPLETED
    first_completed_at = h5p_enrolment.completed_at
    assert first_completed_at is not None
    completed.assert_called_once_with(enrollment_id=h5p_enrolment.pk)

    with mock.patch("enrolments.events.course_completed") as again, \
            django_capture_on_commit_callbacks(execute=True):
        assert post(learner_client, h5p_lesson, statement(raw=0, success=False), commit=False).status_code == 201

    again.assert_not_called()
    h5p_enrolment.refresh_from_db()
    assert h5p_enrolment.completed_at == first_completed_at
    assert XAPIStatement.objects.count() == 2  # a completed learner may still practise


def test_completed_verb_without_score_completes_too(learner_client, h5p_lesson, h5p_enrolment):
    sent = statement(VERB_COMPLETED, success=None)
    del sent["result"]["score"]

    assert post(learner_client, h5p_lesson, sent).status_code == 201

    assert attempt_for(h5p_enrolment, h5p_lesson).completed
    assert LessonProgress.objects.get(enrollment=h5p_enrolment).status == LessonProgress.Status.COMPLETED


def test_lesson_with_two_required_activities_completes_after_both(client, learner, catalog, h5p_package,
                                                                 fresh_cache):
    lesson = lesson_with_h5p(catalog, h5p_block("act-1", h5p_package), h5p_block("act-2", h5p_package))
    enrolment = enrol(learner, lesson)
    client.force_login(learner)

    assert post(client, lesson, statement(), block="act-1").status_code == 201
    assert not LessonProgress.objects.filter(enrollment=enrolment, status="completed").exists()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrollment.Status.ACTIVE

    assert post(client, lesson, statement(), block="act-2").status_code == 201
    assert LessonProgress.objects.get(enrollment=enrolment).status == LessonProgress.Status.COMPLETED
    enrolment.refresh_from_db()
    assert enrolment.status == Enrollment.Status.COMPLETED


def test_optional_activity_does_not_gate_the_lesson(client, learner, catalog, h5p_package, fresh_cache):
    lesson = lesson_with_h5p(catalog, h5p_block("act-1", h5p_package),
                             h5p_block("extra", h5p_package, required=False))
    enrolment = enrol(learner, lesson)
    client.force_login(learner)

    assert post(client, lesson, statement(), block="act-1").status_code == 201

    assert LessonProgress.objects.get(enrollment=enrolment).status == LessonProgress.Status.COMPLETED
    assert not H5PAttempt.objects.filter(block_id="extra").exists()


def test_optional_activity_alone_records_results_but_does_not_complete_the_lesson(client, learner, catalog,
                                                                                 h5p_package, fresh_cache):
    lesson = lesson_with_h5p(catalog, h5p_block("extra", h5p_package, required=False))
    enrolment = enrol(learner, lesson)
    client.force_login(learner)

    assert post(client, lesson, statement(), block="extra").status_code == 201

    assert attempt_for(enrolment, lesson, "extra").completed
    assert not LessonProgress.objects.filter(enrollment=enrolment, status="completed").exists()
    assert not lesson.has_assessment


def test_course_with_another_required_lesson_is_not_completed_by_the_activity(client, learner, catalog,
                                                                             h5p_package, fresh_cache):
    lesson = lesson_with_h5p(catalog, h5p_block(ACTIVITY_ID, h5p_package), lessons=2)
    enrolment = enrol(learner, lesson)
    client.force_login(learner)

    assert post(client, lesson, statement()).status_code == 201

    assert LessonProgress.objects.get(enrollment=enrolment).status == LessonProgress.Status.COMPLETED
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.completed_at) == (Enrollment.Status.ACTIVE, None)


def test_lesson_with_required_activity_cannot_be_marked_complete_by_hand(learner_client, h5p_lesson, h5p_enrolment):
    assert h5p_lesson.has_assessment

    response = learner_client.post(reverse("enrolments:complete_lesson", args=[h5p_lesson.pk]))

    assert response.status_code == 302
    assert not LessonProgress.objects.filter(enrollment=h5p_enrolment, status="completed").exists()
    h5p_enrolment.refresh_from_db()
    assert h5p_enrolment.status == Enrollment.Status.ACTIVE
    page = learner_client.get(response["Location"])
    assert "This lesson is completed by passing its assessment." in page.content.decode()


def test_lesson_with_only_optional_activity_can_be_marked_complete_by_hand(client, learner, catalog, h5p_package,
                                                                          fresh_cache):
    lesson = lesson_with_h5p(catalog, h5p_block("extra", h5p_package, required=False))
    enrolment = enrol(learner, lesson)
    client.force_login(learner)

    client.post(reverse("enrolments:complete_lesson", args=[lesson.pk]))

    assert LessonProgress.objects.get(enrollment=enrolment).status == LessonProgress.Status.COMPLETED


# --- Forwarding to a Learning Record Store ---------------------------------------------------------------------------

LRS_URL = "http://lrs.example/statements"


def lrs_answer(status: int):
    response = mock.MagicMock()
    response.status = status
    response.__enter__.return_value = response
    return response


@pytest.fixture
def lrs(settings):
    settings.XAPI_LRS_URL = LRS_URL
    settings.XAPI_LRS_USERNAME = "campus"
    settings.XAPI_LRS_PASSWORD = "secret"
    with mock.patch("urllib.request.urlopen") as urlopen:
        yield urlopen


def test_statement_is_forwarded_to_the_lrs_after_commit(learner_client, h5p_lesson, lrs,
                                                        django_capture_on_commit_callbacks):
    lrs.return_value = lrs_answer(204)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert post(learner_client, h5p_lesson, statement(), commit=False).status_code == 201
        assert not lrs.called  # only once the statement is committed
    assert callbacks

    record = XAPIStatement.objects.get()
    lrs.assert_called_once()
    request = lrs.call_args.args[0]
    assert request.get_method() == "PUT"
    assert request.full_url == f"{LRS_URL}?statementId={record.pk}"
    assert request.get_header("X-experience-api-version") == "1.0.3"
    assert request.get_header("Content-type") == "application/json"
    assert request.get_header("Authorization") == "Basic Y2FtcHVzOnNlY3JldA=="  # campus:secret
    assert json.loads(request.data) == record.statement
    assert record.forwarded_at is not None


def test_forwarding_again_after_success_sends_nothing(learner_client, h5p_lesson, lrs,
                                                      django_capture_on_commit_callbacks):
    from h5p.tasks import xapi_forward

    lrs.return_value = lrs_answer(204)
    with django_capture_on_commit_callbacks(execute=True):
        post(learner_client, h5p_lesson, statement(), commit=False)
    record = XAPIStatement.objects.get()
    forwarded_at = record.forwarded_at

    assert xapi_forward.apply(args=[str(record.pk)]).get() == "skipped"

    assert lrs.call_count == 1
    record.refresh_from_db()
    assert record.forwarded_at == forwarded_at


def test_lrs_conflict_counts_as_forwarded(learner_client, h5p_lesson, lrs, django_capture_on_commit_callbacks):
    """409: the LRS has this statement id already (an earlier delivery got through)."""
    import urllib.error

    lrs.side_effect = urllib.error.HTTPError(LRS_URL, 409, "Conflict", {}, None)
    with django_capture_on_commit_callbacks(execute=True):
        post(learner_client, h5p_lesson, statement(), commit=False)

    assert XAPIStatement.objects.get().forwarded_at is not None


def test_lrs_unavailable_never_fails_the_learner_and_the_sweep_sends_later(learner_client, h5p_lesson, lrs,
                                                                          django_capture_on_commit_callbacks):
    from h5p.tasks import xapi_forward_pending

    lrs.return_value = lrs_answer(503)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(learner_client, h5p_lesson, statement(), commit=False)
    assert response.status_code == 201  # the result is recorded whatever the LRS says
    lrs.assert_called_once()  # one attempt in-process (no broker), no retries inside the request
    record = XAPIStatement.objects.get()
    assert record.forwarded_at is None

    lrs.return_value = lrs_answer(204)
    assert xapi_forward_pending.apply().get() == 1
    record.refresh_from_db()
    assert record.forwarded_at is not None
    assert xapi_forward_pending.apply().get() == 0  # nothing left to send


def test_lrs_network_error_makes_the_task_retry(h5p_package, learner, h5p_lesson, h5p_enrolment, lrs):
    from celery.exceptions import Retry

    from h5p.tasks import xapi_forward

    record = XAPIStatement.objects.create(user=learner, enrollment=h5p_enrolment, package=h5p_package,
                                          lesson_key=h5p_lesson.translation_key, block_id=ACTIVITY_ID,
                                          verb=VERB_ANSWERED, statement={"verb": {"id": VERB_ANSWERED}})
    lrs.side_effect = OSError("connection refused")

    with pytest.raises(Retry):
        xapi_forward.delay(str(record.pk))

    record.refresh_from_db()
    assert record.forwarded_at is None


def test_lrs_client_error_is_not_retried_and_stays_unforwarded(learner_client, h5p_lesson, lrs,
                                                               django_capture_on_commit_callbacks):
    import urllib.error

    lrs.side_effect = urllib.error.HTTPError(LRS_URL, 400, "Bad Request", {}, None)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(learner_client, h5p_lesson, statement(), commit=False).status_code == 201

    lrs.assert_called_once()
    assert XAPIStatement.objects.get().forwarded_at is None


def test_no_lrs_configured_sends_nothing(learner_client, h5p_lesson, settings, django_capture_on_commit_callbacks):
    settings.XAPI_LRS_URL = ""
    with mock.patch("urllib.request.urlopen") as urlopen, django_capture_on_commit_callbacks(execute=True):
        assert post(learner_client, h5p_lesson, statement(), commit=False).status_code == 201

    urlopen.assert_not_called()
    assert XAPIStatement.objects.get().forwarded_at is None


def test_statements_of_different_packages_name_their_package(client, learner, catalog, h5p_package, fresh_cache):
    other = import_sample(title="Otra pregunta", question="¿Lima es la capital de Perú?")
    lesson = lesson_with_h5p(catalog, h5p_block("act-1", h5p_package), h5p_block("act-2", other))
    enrol(learner, lesson)
    client.force_login(learner)

    post(client, lesson, statement(), block="act-1")
    post(client, lesson, statement(), block="act-2")

    assert dict(XAPIStatement.objects.values_list("block_id", "package")) == {"act-1": h5p_package.pk,
                                                                               "act-2": other.pk}


# --- Numbers a browser can send that the database cannot store -------------------------------------------------------



@pytest.mark.parametrize("score", [
    '{"raw": Infinity, "min": 0, "max": 10}',
    '{"raw": 5, "min": 0, "max": Infinity}',
    '{"raw": NaN, "min": 0, "max": 10}',
    '{"raw": 1e300, "min": 0, "max": 1e300}',
    '{"raw": 1, "min": 0, "max": 10, "scaled": 0.1, "x": NaN}',
    '{"raw": 100000000, "min": 0, "max": 100000000}',
], ids=["raw-infinity", "max-infinity", "raw-nan", "huge-float", "nan-elsewhere", "above-decimal-field"])
def test_unstorable_numbers_are_refused_or_clamped_never_a_server_error(learner_client, h5p_lesson, h5p_enrolment,
                                                                       score):
    body = json.dumps({"lesson": h5p_lesson.pk, "block": ACTIVITY_ID, "statement": statement()})
    body = body.replace('{"raw": 1, "min": 0, "max": 1}', score)
    assert score in body

    response = learner_client.post(XAPI_URL, body, content_type="application/json")

    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        assert not XAPIStatement.objects.exists()
    else:
        attempt = attempt_for(h5p_enrolment, h5p_lesson)
        assert attempt.score.is_finite() and attempt.max_score.is_finite()
        assert learner_client.get(h5p_lesson.url).status_code == 200


def test_lesson_id_beyond_the_integer_range_is_not_found(learner_client, h5p_lesson):
    payload = json.dumps({"lesson": 10**30, "block": ACTIVITY_ID, "statement": statement()})

    assert learner_client.post(XAPI_URL, payload, content_type="application/json").status_code == 404
