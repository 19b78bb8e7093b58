"""The xAPI endpoint under load: one INSERT per statement, replays ignored by statement id (per learner, also when
they race), and the learner's result counted off the request path by the xapi_aggregate task, exactly once, with
a periodic sweep for statements whose task was never queued."""

import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from elearn.celery import app
from enrolments.models import Enrollment, LessonProgress
from h5p import services, tasks
from h5p.models import H5PAttempt, XAPIStatement
from tests.factories import UserFactory
from tests.h5p.conftest import ACTIVITY_ID, enrol, h5p_block, import_sample
from tests.h5p.test_xapi import LRS_URL, attempt_for, lrs_answer, post, statement
from tests.pg_threads import run_in_threads

# What the request may cost, measured on PostgreSQL: session, user, roles, lesson, the lesson's packages, course,
# enrolment, the INSERT and the read of the learner's result. Before the aggregation left the request it took 36
# (24 for an activity already completed).
REQUEST_QUERIES = 9


def sent(statement_id: str | None = None, **kwargs) -> dict:
    return statement(id=statement_id or str(uuid.uuid4()), **kwargs)


@pytest.fixture
def learner_client(client, learner, h5p_enrolment):
    client.force_login(learner)
    return client


@contextmanager
def broker_down():
    """Tasks are published, not run eagerly, and publishing fails as it does when Redis is unreachable."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    error = BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    try:
        with mock.patch.object(tasks.xapi_aggregate, "delay", side_effect=error) as delay:
            yield delay
    finally:
        app.conf.task_always_eager = previous


# --- Which statements are counted ------------------------------------------------------------------------------------

def test_only_statements_that_can_change_the_result_queue_a_task(learner_client, h5p_lesson, h5p_enrolment):
    """H5P sends far more "attempted"/"interacted" and sub-question statements than results: once the attempt exists,
    those are stored as counted, with no task (the aggregation would change nothing)."""
    def interacted():
        body = sent(verb="http://adlnet.gov/expapi/verbs/interacted")
        del body["result"]
        return body

    with mock.patch.object(tasks.xapi_aggregate, "delay", wraps=tasks.xapi_aggregate.delay) as queued:
        post(learner_client, h5p_lesson, interacted())  # the first one creates the attempt
        assert queued.call_count == 1
        post(learner_client, h5p_lesson, interacted())
        post(learner_client, h5p_lesson, sent(raw=1, parent="http://example.org/question/1"))  # a sub-question
        assert queued.call_count == 1
        assert XAPIStatement.objects.filter(aggregated_at__isnull=True).count() == 0
        assert not attempt_for(h5p_enrolment, h5p_lesson).completed
        post(learner_client, h5p_lesson, sent(raw=1, max_=1, success=True))  # the answer: counted
        assert queued.call_count == 2
    assert XAPIStatement.objects.count() == 4
    assert attempt_for(h5p_enrolment, h5p_lesson).completed


# --- Replays ---------------------------------------------------------------------------------------------------------

def test_replayed_statement_is_stored_once_and_counted_once(learner_client, h5p_lesson, h5p_enrolment):
    body = sent(raw=1, max_=1, success=True)

    with mock.patch.object(tasks.xapi_aggregate, "delay", wraps=tasks.xapi_aggregate.delay) as queued:
        first = post(learner_client, h5p_lesson, body)
        again = post(learner_client, h5p_lesson, body)

    assert first.status_code == 201, first.content
    assert again.status_code == 200, again.content
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    assert again.json()["id"] == first.json()["id"] == str(XAPIStatement.objects.get().pk)
    # The replay is answered with the same result, so the page shows the same thing whichever answer it reads.
    assert again.json()["result"] == first.json()["result"] == {"score": 1.0, "max_score": 1.0, "completed": True,
                                                                "success": True}
    queued.assert_called_once()
    record = XAPIStatement.objects.get()
    assert record.aggregated_at is not None
    assert attempt_for(h5p_enrolment, h5p_lesson).completed
    assert LessonProgress.objects.get(enrollment=h5p_enrolment).status == LessonProgress.Status.COMPLETED


def test_statements_with_different_ids_are_each_stored(learner_client, h5p_lesson):
    assert post(learner_client, h5p_lesson, sent()).status_code == 201
    assert post(learner_client, h5p_lesson, sent()).status_code == 201
    # H5P itself sends no id: every such statement is a new one.
    assert post(learner_client, h5p_lesson, statement()).status_code == 201
    assert post(learner_client, h5p_lesson, statement()).status_code == 201

    assert XAPIStatement.objects.count() == 4


@pytest.mark.parametrize("client_id", ["not-a-uuid", "", 42, None], ids=["text", "empty", "number", "null"])
def test_an_id_that_is_not_a_uuid_gets_a_fresh_one_each_time(learner_client, h5p_lesson, client_id):
    body = statement(id=client_id)

    assert [post(learner_client, h5p_lesson, body).status_code for _ in range(2)] == [201, 201]

    assert XAPIStatement.objects.count() == 2


def test_same_statement_id_from_another_learner_is_stored_for_each_and_overwrites_nothing(
    client, learner, h5p_lesson, h5p_enrolment,
):
    other = UserFactory(role="Learner", country="GT")
    other_enrolment = enrol(other, h5p_lesson)
    shared_id = str(uuid.uuid4())
    client.force_login(learner)
    assert post(client, h5p_lesson, sent(shared_id, raw=1, max_=1, success=True)).status_code == 201
    mine = XAPIStatement.objects.get()

    client.force_login(other)
    response = post(client, h5p_lesson, sent(shared_id, raw=0, max_=1, success=False))

    assert response.status_code == 201, response.content
    assert response.json()["duplicate"] is False
    theirs = XAPIStatement.objects.get(user=other)
    assert theirs.pk != mine.pk
    assert theirs.statement["actor"]["account"]["name"] == str(other.pk)
    assert XAPIStatement.objects.get(pk=mine.pk).statement == mine.statement  # untouched
    assert attempt_for(h5p_enrolment, h5p_lesson).success is True
    assert attempt_for(other_enrolment, h5p_lesson).success is False
    # Each learner's replay is still recognised as theirs.
    assert post(client, h5p_lesson, sent(shared_id)).status_code == 200
    assert XAPIStatement.objects.count() == 2


# --- The request path ------------------------------------------------------------------------------------------------

def test_the_request_inserts_and_reads_but_counts_nothing_itself(learner_client, h5p_lesson, h5p_enrolment,
                                                                  django_assert_max_num_queries):
    """The aggregation runs after commit (here never: the test's transaction does not commit)."""
    body = sent(raw=1, max_=1, success=True)

    with django_assert_max_num_queries(REQUEST_QUERIES) as captured:
        response = post(learner_client, h5p_lesson, body, commit=False)

    assert response.status_code == 201
    writes = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SELECT", "SAVEPOINT",
                                                                                      "RELEASE"))]
    assert len(writes) == 1 and '"h5p_xapistatement"' in writes[0], writes
    if connection.vendor == "postgresql":
        assert writes[0].startswith('INSERT INTO "h5p_xapistatement"') and "ON CONFLICT DO NOTHING" in writes[0]
    assert XAPIStatement.objects.get().aggregated_at is None
    assert not H5PAttempt.objects.exists()
    # The learner still sees the result the statement gives, computed from the attempt as it stands.
    assert response.json()["result"] == {"score": 1.0, "max_score": 1.0, "completed": True, "success": True}

    with django_assert_max_num_queries(REQUEST_QUERIES):
        assert post(learner_client, h5p_lesson, body, commit=False).status_code == 200


def test_broker_down_at_request_time_still_records_and_the_sweep_counts_it_later(
    learner_client, h5p_lesson, h5p_enrolment, django_capture_on_commit_callbacks,
):
    with broker_down() as delay, django_capture_on_commit_callbacks(execute=True):
        response = post(learner_client, h5p_lesson, sent(raw=1, max_=1, success=True), commit=False)

    assert response.status_code == 201, response.content
    assert delay.called
    assert response.json()["result"]["completed"] is True  # what the page shows does not wait for the task
    record = XAPIStatement.objects.get()
    assert record.aggregated_at is None
    assert not H5PAttempt.objects.exists()

    # The broker is back (eager again). A statement stored moments ago is left to its own task; an older one is
    # counted by the sweep, and only once.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.xapi_aggregate_pending.apply().get() == 0
    XAPIStatement.objects.filter(pk=record.pk).update(stored_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.xapi_aggregate_pending.apply().get() == 1
    record.refresh_from_db()
    assert record.aggregated_at is not None
    assert attempt_for(h5p_enrolment, h5p_lesson).completed
    assert LessonProgress.objects.get(enrollment=h5p_enrolment).status == LessonProgress.Status.COMPLETED
    h5p_enrolment.refresh_from_db()
    assert h5p_enrolment.status == Enrollment.Status.COMPLETED
    assert tasks.xapi_aggregate_pending.apply().get() == 0


# --- The aggregation task --------------------------------------------------------------------------------------------

def test_task_run_twice_counts_the_statement_once(learner_client, h5p_lesson, h5p_enrolment, settings,
                                                  django_capture_on_commit_callbacks):
    settings.XAPI_LRS_URL = LRS_URL
    post(learner_client, h5p_lesson, sent(raw=1, max_=1, success=True), commit=False)
    record = XAPIStatement.objects.get()

    with mock.patch("enrolments.progress.lesson_assessments_check") as check, \
            mock.patch("urllib.request.urlopen", return_value=lrs_answer(204)) as lrs, \
            django_capture_on_commit_callbacks(execute=True):
        assert tasks.xapi_aggregate.apply(args=[str(record.pk)]).get() == "aggregated"
        record.refresh_from_db()
        counted_at = record.aggregated_at
        assert tasks.xapi_aggregate.apply(args=[str(record.pk)]).get() == "skipped"

    check.assert_called_once()
    lrs.assert_called_once()  # queued for the LRS by the run that counted it
    record.refresh_from_db()
    assert record.aggregated_at == counted_at
    attempt = attempt_for(h5p_enrolment, h5p_lesson)
    assert (attempt.score, attempt.completed, attempt.completed_at) == (1, True, record.stored_at)


def test_a_task_that_fails_part_way_counts_nothing_and_its_retry_counts_it(learner_client, h5p_lesson,
                                                                          h5p_enrolment):
    from enrolments.progress import lesson_assessments_check

    post(learner_client, h5p_lesson, sent(raw=1, max_=1, success=True), commit=False)
    record = XAPIStatement.objects.get()
    deadlock = OperationalError("deadlock detected")

    with mock.patch("enrolments.progress.lesson_assessments_check",
                    side_effect=[deadlock, lesson_assessments_check]):
        with pytest.raises(OperationalError):
            services.xapi_aggregate(statement_id=record.pk)
        record.refresh_from_db()
        assert record.aggregated_at is None
        assert not H5PAttempt.objects.exists()  # rolled back with the claim

        assert services.xapi_aggregate(statement_id=record.pk) is True

    assert attempt_for(h5p_enrolment, h5p_lesson).completed


def test_the_task_retries_on_a_database_error(learner_client, h5p_lesson, h5p_enrolment):
    from celery.exceptions import Retry

    post(learner_client, h5p_lesson, sent(), commit=False)
    record = XAPIStatement.objects.get()

    with mock.patch.object(services, "xapi_aggregate", side_effect=OperationalError("deadlock detected")), \
            pytest.raises(Retry):
        tasks.xapi_aggregate.delay(str(record.pk))


def test_a_statement_counted_late_does_not_replace_a_newer_score(learner_client, h5p_lesson, h5p_enrolment):
    """A sweep after a broker outage counts older statements after newer ones."""
    post(learner_client, h5p_lesson, sent(raw=8, max_=10, success=True), commit=False)
    post(learner_client, h5p_lesson, sent(raw=2, max_=10, success=False), commit=False)
    older, newer = XAPIStatement.objects.order_by("stored_at")

    services.xapi_aggregate(statement_id=newer.pk)
    services.xapi_aggregate(statement_id=older.pk)

    attempt = attempt_for(h5p_enrolment, h5p_lesson)
    assert (attempt.score, attempt.best_percent, attempt.success) == (2, 80, True)
    assert attempt.completed_at == older.stored_at


def test_statement_of_a_deleted_enrolment_is_marked_counted(learner_client, h5p_lesson, h5p_enrolment):
    post(learner_client, h5p_lesson, sent(), commit=False)
    h5p_enrolment.delete()

    assert services.xapi_aggregate(statement_id=XAPIStatement.objects.get().pk) is True

    assert XAPIStatement.objects.get().aggregated_at is not None
    assert not H5PAttempt.objects.exists()


# --- Concurrent replays on PostgreSQL --------------------------------------------------------------------------------

def _activity_from_scratch():
    """A published lesson with one required H5P activity and an enrolled learner, built without the rows the data
    migrations create: earlier transactional tests may have flushed every table."""
    from wagtail.models import Locale, Page

    from courses.models import CoursePage, LessonPage, ModulePage
    from crm.models import ActionPlanLine
    from tests.courses.conftest import publish

    Locale.objects.get_or_create(language_code="es")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    line, _ = ActionPlanLine.objects.get_or_create(slug="training", defaults={"name_es": "Capacitación"})
    course = root.add_child(instance=CoursePage(title="Reenvíos", slug="reenvios", summary="Reenvíos",
                                                action_plan_line=line))
    publish(course)
    module = course.add_child(instance=ModulePage(title="Módulo", slug="modulo"))
    publish(module)
    lesson = module.add_child(instance=LessonPage(title="Práctica", slug="practica"))
    lesson.body = [h5p_block(ACTIVITY_ID, import_sample())]
    publish(lesson)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    learner = UserFactory()
    return learner, enrol(learner, lesson), lesson


def _record(learner, enrollment, lesson, body) -> services.Recorded:
    from h5p.models import H5PPackage

    return services.xapi_record(user=learner, enrollment=enrollment, lesson=lesson, block_id=ACTIVITY_ID,
                                package=H5PPackage.objects.get(), statement=body)


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_store_one_row_and_count_it_once(h5p_root):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sessions need PostgreSQL (CI runs this against it)")
    learner, enrollment, lesson = _activity_from_scratch()
    body = sent(raw=1, max_=1, success=True)

    with mock.patch.object(tasks.xapi_aggregate, "delay", wraps=tasks.xapi_aggregate.delay) as queued:
        outcomes = run_in_threads(lambda _n: _record(learner, enrollment, lesson, body), range(6))

    assert all(isinstance(outcome, services.Recorded) for outcome in outcomes), outcomes
    assert sorted(outcome.created for outcome in outcomes) == [False] * 5 + [True]
    assert len({outcome.statement_id for outcome in outcomes}) == 1
    assert XAPIStatement.objects.count() == 1
    queued.assert_called_once()
    assert XAPIStatement.objects.get().aggregated_at is not None
    assert H5PAttempt.objects.get(enrollment=enrollment).completed
    assert LessonProgress.objects.get(enrollment=enrollment).status == LessonProgress.Status.COMPLETED


@pytest.mark.django_db(transaction=True)
def test_replay_racing_an_uncommitted_first_delivery_waits_for_it_and_is_ignored(h5p_root):
    """The second INSERT blocks on the primary key until the first transaction commits, then does nothing: no
    error, no second row (a check-then-insert would have seen no row and inserted one)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sessions need PostgreSQL (CI runs this against it)")
    learner, enrollment, lesson = _activity_from_scratch()
    body = sent(raw=1, max_=1, success=True)
    first_inserted = threading.Event()

    def deliver(which: str):
        if which == "first":
            with transaction.atomic():
                recorded = _record(learner, enrollment, lesson, body)
                first_inserted.set()
                time.sleep(1)  # the replay arrives while this is still uncommitted
            return which, recorded.created, 0.0
        first_inserted.wait(10)
        started = time.monotonic()
        recorded = _record(learner, enrollment, lesson, body)
        return which, recorded.created, time.monotonic() - started

    outcomes = run_in_threads(deliver, ["first", "replay"])

    assert sorted(outcome[:2] for outcome in outcomes) == [("first", True), ("replay", False)], outcomes
    replay_wait = next(outcome[2] for outcome in outcomes if outcome[0] == "replay")
    assert replay_wait > 0.5  # it waited for the first transaction instead of guessing
    assert XAPIStatement.objects.count() == 1
    assert H5PAttempt.objects.get(enrollment=enrollment).completed
