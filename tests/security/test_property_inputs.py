"""Property-based hostile input: the bulk importer, the xAPI endpoint, quiz submissions and the catalogue search
answer every input with a clear result (a report, a 4xx with a message, a page), never a 500 or a partial write."""

import csv
import io
import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from accounts.models import User
from enrolments import bulk
from enrolments.bulk_targets import Outcome
from enrolments.models import Enrollment
from h5p.models import H5PAttempt, XAPIStatement
from quizzes.models import QuizAttempt
from tests.courses.conftest import make_course
from tests.factories import InstitutionFactory, UserFactory
from tests.h5p.conftest import ACTIVITY_ID, h5p_block, import_sample, lesson_with_h5p
from tests.h5p.conftest import enrol as h5p_enrol
from tests.quizzes.conftest import QUIZ_ID, lesson_with_quizzes, quiz_raw
from tests.quizzes.conftest import enrol as quiz_enrol

pytestmark = pytest.mark.django_db

# derandomize: the same examples on every run (CI stays reproducible); database=None: no .hypothesis/ folder.
MODEST = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.data_too_large, HealthCheck.large_base_example])
OUTCOMES = {Outcome.ERROR, Outcome.ALREADY, Outcome.CREATE, Outcome.ENROL}
NASTY = ["=cmd|' /C calc'!A0", "+SUM(1,1)", "-2+3", "@HYPERLINK(\"http://evil\")", "\ufeff", "\x00",
         "'; DROP TABLE x;--", "<script>alert(1)</script>", "\u202e", "é" * 300, "x" * 5000, "", " ", "\r\n",
         '"', ";", ","]
cells = st.one_of(st.sampled_from(NASTY), st.text(max_size=60))
COLUMNS = ["email", "full_name", "country", "institution", "position", "gender", "Email", "e-mail", "", "extra"]


# --- Bulk enrolment importer ----------------------------------------------------------------------------------------

@pytest.fixture
def bulk_course(catalog):
    InstitutionFactory(name="Instituto Guatemalteco de Migración", country="GT")
    return make_course(catalog, title="Protección consular", lessons=1)


def _csv(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for record in [header, *rows]:
        # openpyxl refuses control characters in cells; a real workbook cannot hold them either.
        sheet.append(["".join(c for c in value if c >= " " or c in "\t\n\r") for value in record])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def spreadsheets(draw):
    """(raw bytes, file name): well-formed or not, in odd encodings, with BOMs, wrong columns and hostile cells."""
    header = draw(st.one_of(st.just(COLUMNS[:6]), st.lists(st.sampled_from(COLUMNS), max_size=8)))
    rows = draw(st.lists(st.lists(cells, max_size=8), max_size=6))
    kind = draw(st.sampled_from(["csv", "csv-bom", "csv-latin1", "csv-utf16", "xlsx", "bytes"]))
    name = draw(st.sampled_from(["officials.csv", "officials.xlsx", "officials.txt", "officials", "o.CSV"]))
    delimiter = draw(st.sampled_from([",", ";"]))
    if kind == "xlsx":
        return _xlsx(header, rows), name
    if kind == "bytes":
        return draw(st.binary(max_size=300)), name
    text = _csv(header, rows, delimiter)
    encoded = {"csv": lambda t: t.encode("utf-8"), "csv-bom": lambda t: ("\ufeff" + t).encode("utf-8"),
               "csv-latin1": lambda t: t.encode("latin-1", "replace"),
               "csv-utf16": lambda t: t.encode("utf-16")}[kind](text)
    return encoded, name


@MODEST
@given(upload=spreadsheets())
def test_bulk_parse_and_validate_always_give_a_clear_result_and_write_nothing(bulk_course, upload):
    raw, name = upload
    users, enrolments = User.objects.count(), Enrollment.objects.count()
    try:
        rows = bulk.rows_read(raw=raw, name=name)
    except bulk.BulkFileError as error:
        assert str(error).strip(), "a refused file must say why"
        return
    results = bulk.rows_validate(rows=rows, course=bulk_course)
    assert len(results) == len(rows)
    for result in results:
        assert result.outcome in OUTCOMES
        assert result.reason.strip(), result
    assert (User.objects.count(), Enrollment.objects.count()) == (users, enrolments)


@settings(MODEST, max_examples=25)
@given(upload=spreadsheets())
def test_bulk_upload_through_the_admin_never_fails_and_applies_nothing(client, bulk_course, upload,
                                                                      django_capture_on_commit_callbacks):
    """The whole path: the admin form, the stored job, its validation task and the report page."""
    from enrolments.bulk_models import BulkEnrolmentJob

    raw, name = upload
    secretariat = User.objects.filter(email="sec@example.org").first() or UserFactory(
        role="Secretariat", email="sec@example.org", preferred_language="en")
    client.force_login(secretariat)
    enrolments = Enrollment.objects.count()
    before = set(BulkEnrolmentJob.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/bulk-enrolment/upload/", {"course": bulk_course.pk, "file": _named(raw, name)})
    assert response.status_code in (200, 302), response.status_code
    created = BulkEnrolmentJob.objects.exclude(pk__in=before)
    if response.status_code == 200:
        assert not created.exists()
        assert "errorlist" in response.content.decode() or "error" in response.content.decode()
    else:
        job = created.get()
        assert job.status == BulkEnrolmentJob.Status.VALIDATED
        assert job.report.get("file_error") or job.report.get("rows")
        report = client.get(f"/admin/bulk-enrolment/{job.pk}/report/")
        assert report.status_code == 200
    assert Enrollment.objects.count() == enrolments


def _named(raw: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, raw)


# --- xAPI ------------------------------------------------------------------------------------------------------------

@pytest.fixture
def xapi_client(catalog, learner, settings, tmp_path):
    settings.H5P_ROOT = tmp_path / "h5p-xapi"
    lesson = lesson_with_h5p(catalog, h5p_block(ACTIVITY_ID, import_sample()))
    h5p_enrol(learner, lesson)
    client = Client()
    client.force_login(learner)
    return client, lesson


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=15,
)
IRI = st.sampled_from(["http://adlnet.gov/expapi/verbs/answered", "http://adlnet.gov/expapi/verbs/completed",
                       "http://adlnet.gov/expapi/verbs/experienced", "answered", "", "javascript:alert(1)"])
scores = st.one_of(st.integers(min_value=-10**6, max_value=10**6), st.floats(allow_nan=False, allow_infinity=False),
                   st.text(max_size=5), st.none(), st.booleans())


@st.composite
def statements(draw):
    shaped = {
        "verb": {"id": draw(IRI)},
        "object": {"objectType": "Activity", "id": draw(st.sampled_from(["http://x.example/a", "", "a b"]))},
        "result": draw(st.one_of(json_values, st.fixed_dictionaries(
            {"score": st.fixed_dictionaries({"raw": scores, "min": scores, "max": scores}),
             "success": st.one_of(st.booleans(), json_values), "completion": st.booleans()}))),
        "context": draw(st.one_of(st.none(), json_values, st.just({"contextActivities": {"parent": []}}))),
    }
    if draw(st.booleans()):
        shaped["id"] = draw(st.sampled_from(["12345678-1234-4234-8234-123456789abc", "not-a-uuid", ""]))
    return draw(st.one_of(st.just(shaped), json_values, st.dictionaries(st.text(max_size=8), json_values)))


def _percent(attempt: H5PAttempt):
    return attempt.best_percent if hasattr(attempt, "best_percent") else None


@MODEST
@given(statement=statements(), block=st.one_of(st.just(ACTIVITY_ID), st.text(max_size=20)),
       wrapper=st.sampled_from(["ok", "lesson-text", "raw"]))
def test_xapi_answers_every_statement_with_2xx_or_a_4xx_message(xapi_client, statement, block, wrapper):
    client, lesson = xapi_client
    if wrapper == "raw":
        body = json.dumps(statement)
    else:
        body = json.dumps({"lesson": lesson.pk if wrapper == "ok" else str(statement)[:20], "block": block,
                           "statement": statement})
    stored = XAPIStatement.objects.count()
    response = client.post("/h5p/xapi/", body, content_type="application/json")
    assert response.status_code in (200, 201, 400, 403, 404, 413), response.status_code
    data = response.json()
    if response.status_code in (200, 201):
        # 200: a statement id this learner sent in an earlier example; acknowledged, not stored again.
        assert XAPIStatement.objects.count() == stored + (response.status_code == 201)
        assert data["duplicate"] is (response.status_code == 200)
        result = data["result"]
        if result["score"] is not None and result["max_score"] is not None:
            assert 0 <= result["score"] <= result["max_score"]
    else:
        assert data["error"].strip()
        assert XAPIStatement.objects.count() == stored


def test_xapi_same_statement_id_twice_never_fails_and_is_stored_once(xapi_client):
    """A replayed statement id is acknowledged (200), not stored again; the stored id is the server's (derived from
    the browser's and the user), so the browser cannot choose the id another learner's statement is stored under."""
    client, lesson = xapi_client
    sent = {"id": "12345678-1234-4234-8234-123456789abc",
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": "http://x.example/a"}, "result": {"score": {"raw": 1, "min": 0, "max": 1}}}
    body = json.dumps({"lesson": lesson.pk, "block": ACTIVITY_ID, "statement": sent})
    assert [client.post("/h5p/xapi/", body, content_type="application/json").status_code
            for _ in range(2)] == [201, 200]
    ids = [s.statement["id"] for s in XAPIStatement.objects.all()]
    assert len(ids) == 1 and sent["id"] not in ids


# --- Quiz submissions ------------------------------------------------------------------------------------------------

@pytest.fixture
def quiz_setup(catalog, learner):
    lesson = lesson_with_quizzes(catalog, (QUIZ_ID, quiz_raw(max_attempts=0)))
    quiz_enrol(learner, lesson)
    outsider = UserFactory(role="Learner", country="MX")
    return lesson, learner, outsider


answer_values = st.one_of(st.sampled_from(["q1a", "q1b", "q2a", "q2b", "q3b", "", "q9z"]), st.text(max_size=20))
form_keys = st.one_of(st.sampled_from(["q-q1", "q-q2", "q-q3", "q-", "q-q1a", "lesson", "block", "csrf"]),
                      st.text(max_size=10))


@MODEST
@given(form=st.dictionaries(form_keys, st.lists(answer_values, max_size=4), max_size=8),
       lesson_field=st.one_of(st.just("ok"), st.text(max_size=12), st.integers()),
       block=st.one_of(st.just(QUIZ_ID), st.text(max_size=12)),
       as_json=st.booleans(), outsider_posts=st.booleans())
@example(form={"q-q1": ["q1a"], "q-q2": ["q2a", "q2b"], "q-q3": ["q3b"]}, lesson_field="ok", block=QUIZ_ID,
         as_json=False, outsider_posts=True)
@example(form={"q-q1": ["q1a", "q1a", "q1b"], "q-q2": ["q2a", "q2a", "q2b", "q2b"], "q-q3": ["q3b", "q3b"]},
         lesson_field="ok", block=QUIZ_ID, as_json=True, outsider_posts=False)
def test_quiz_submission_never_fails_never_exceeds_100_and_records_only_enrolled(
        quiz_setup, form, lesson_field, block, as_json, outsider_posts):
    lesson, learner, outsider = quiz_setup
    client = Client()
    client.force_login(outsider if outsider_posts else learner)
    data = {key: value for key, value in form.items() if key not in ("lesson", "block")}
    data["lesson"] = str(lesson.pk) if lesson_field == "ok" else str(lesson_field)
    data["block"] = block
    if as_json:
        answers = {key[2:]: value for key, value in data.items() if key.startswith("q-")}
        response = client.post("/quizzes/submit/", json.dumps(
            {"lesson": data["lesson"], "block": block, "answers": answers}), content_type="application/json")
    else:
        response = client.post("/quizzes/submit/", {k: v for k, v in data.items() if "\x00" not in k})
    assert response.status_code in (200, 302, 400, 403, 404, 409), response.status_code
    assert not QuizAttempt.objects.filter(enrollment__user=outsider).exists()
    assert not QuizAttempt.objects.filter(score_percent__gt=100).exists()
    assert not QuizAttempt.objects.filter(score_percent__lt=0).exists()


# --- Catalogue search ------------------------------------------------------------------------------------------------

@pytest.fixture
def searchable(catalog):
    make_course(catalog, title="Trata de personas", lessons=1)
    return catalog


QUERIES = ["' OR 1=1 --", "%", "_", "\\", ".*", "(a|b)*c", "[", "a:b", "&|!", "()", "\"", "<script>", "%00",
           "\u0000", "ñ" * 3000, "x" * 10000, "SELECT * FROM accounts_user", "$where", "{{7*7}}", "™∞∂", " & ",
           "!", ":*", "a & !b | (c"]


@pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning")
@MODEST
@given(query=st.one_of(st.sampled_from(QUERIES), st.text(max_size=200)),
       language=st.sampled_from(["/cursos/", "/en/courses/", "/fr/cours/"]))
def test_catalogue_search_answers_200_for_any_query(searchable, client, query, language):
    response = client.get(language, {"q": query})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[-1]


# --- Deeply nested JSON: Python's parser raises RecursionError, not ValueError --------------------------------------

def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [900, 5000, 30000])
def test_xapi_deeply_nested_json_is_a_400_not_a_500(xapi_client, depth):
    client, lesson = xapi_client
    body = f'{{"lesson": {lesson.pk}, "block": "{ACTIVITY_ID}", "statement": {_nested(depth)}}}'
    response = client.post("/h5p/xapi/", body, content_type="application/json")
    assert response.status_code == 400, response.status_code
    assert response.json()["error"]
    assert not XAPIStatement.objects.exists()


@pytest.mark.parametrize("depth", [900, 5000, 30000])
def test_quiz_deeply_nested_json_is_a_400_not_a_500(quiz_setup, depth):
    lesson, learner, _ = quiz_setup
    client = Client()
    client.force_login(learner)
    body = f'{{"lesson": {lesson.pk}, "block": "{QUIZ_ID}", "answers": {{"q1": {_nested(depth)}}}}}'
    response = client.post("/quizzes/submit/", body, content_type="application/json")
    assert response.status_code == 400, response.status_code
    assert response.json()["error"]
    assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize("lesson_id", ["2147483648", "-2147483649", "99999999999999999999999", "0", "-1"])
@pytest.mark.parametrize("as_json", [False, True])
def test_quiz_lesson_id_out_of_the_integer_range_is_not_a_500(quiz_setup, lesson_id, as_json):
    lesson, learner, _ = quiz_setup
    client = Client()
    client.force_login(learner)
    if as_json:
        response = client.post("/quizzes/submit/", json.dumps({"lesson": lesson_id, "block": QUIZ_ID, "answers": {}}),
                               content_type="application/json")
    else:
        response = client.post("/quizzes/submit/", {"lesson": lesson_id, "block": QUIZ_ID})
    assert response.status_code in (400, 404), response.status_code


def test_xapi_statement_with_a_deep_but_parseable_definition_is_not_a_500(xapi_client):
    client, lesson = xapi_client
    deep: dict = {}
    for _ in range(400):
        deep = {"d": deep}
    sent = {"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": "http://x.example/a", "definition": deep},
            "result": {"score": {"raw": 1, "min": 0, "max": 1}}}
    response = client.post("/h5p/xapi/", json.dumps({"lesson": lesson.pk, "block": ACTIVITY_ID, "statement": sent}),
                           content_type="application/json")
    assert response.status_code in (201, 400), response.status_code


# --- Metrics filters (dashboard and API) -----------------------------------------------------------------------------

FILTERS = ["period", "year", "quarter", "month", "start", "end", "country", "country_status", "institution",
           "institution_type", "gender", "course", "line", "topic", "modality", "language", "network", "by2", "export"]
FILTER_VALUES = ["", "all", "year", "custom", "presidency", "2025", "99999999999999999999", "-1", "0", "13", "1.5",
                 "0001-01-01", "9999-12-31", "2025-02-30", "GT", "XX", "' OR 1=1 --", "<script>alert(1)</script>",
                 "\x00", "csv", "xlsx", "pdf", "line", "institution"]


@pytest.fixture
def metrics_client(db):
    client = Client()
    client.force_login(UserFactory(role="Secretariat", country="CR"))
    return client


@settings(MODEST, max_examples=30)
@given(params=st.dictionaries(st.sampled_from(FILTERS), st.one_of(st.sampled_from(FILTER_VALUES), st.text(max_size=30)),
                              max_size=6),
       endpoint=st.sampled_from(["/admin/metrics/", "/api/v1/metrics/headline/", "/api/v1/metrics/monthly/",
                                 "/api/v1/metrics/breakdown/country/", "/api/v1/metrics/targets/"]))
def test_metrics_filters_answer_200_or_400_never_500(metrics_client, params, endpoint):
    if endpoint == "/admin/metrics/":
        params.pop("export", None)  # the export views have their own URLs
    response = metrics_client.get(endpoint, params)
    assert response.status_code in (200, 400), (response.status_code, params)
    if endpoint.startswith("/api/") and response.status_code == 400:
        assert response.json()
    if endpoint == "/admin/metrics/":
        assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("where", ["definition", "verb-display", "extensions-key", "block"])
def test_xapi_nul_characters_are_not_a_500(xapi_client, where):
    """PostgreSQL's jsonb and text refuse U+0000; a statement carrying it must be refused or cleaned, not crash."""
    client, lesson = xapi_client
    sent = {"verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en": "answered"}},
            "object": {"id": "http://x.example/a", "definition": {"name": {"es": "Pregunta"}}},
            "result": {"score": {"raw": 1, "min": 0, "max": 1}}}
    block = ACTIVITY_ID
    if where == "definition":
        sent["object"]["definition"]["name"]["es"] = "a\x00b"
    elif where == "verb-display":
        sent["verb"]["display"]["en"] = "\x00"
    elif where == "extensions-key":
        sent["result"]["extensions"] = {"http://x.example/\x00": 1}
    else:
        block = ACTIVITY_ID + "\x00"
    response = client.post("/h5p/xapi/", json.dumps({"lesson": lesson.pk, "block": block, "statement": sent}),
                           content_type="application/json")
    assert response.status_code in (201, 400, 404), response.status_code
    if response.status_code != 201:
        assert response.json()["error"]


@pytest.mark.parametrize("as_json", [False, True])
def test_quiz_nul_characters_are_not_a_500(quiz_setup, as_json):
    lesson, learner, _ = quiz_setup
    client = Client()
    client.force_login(learner)
    answers = {"q1": ["q1a\x00"], "q2": ["\x00"], "q3": ["q3b"]}
    if as_json:
        response = client.post("/quizzes/submit/", json.dumps({"lesson": lesson.pk, "block": QUIZ_ID + "\x00",
                                                                "answers": answers}), content_type="application/json")
    else:
        response = client.post("/quizzes/submit/", {"lesson": lesson.pk, "block": QUIZ_ID,
                                                    **{f"q-{k}": v for k, v in answers.items()}})
    assert response.status_code in (302, 400, 404), response.status_code
    assert not QuizAttempt.objects.filter(score_percent__gt=100).exists()


@pytest.mark.parametrize(("data_type", "data"), [("state", "a\x00b"), ("st%00ate", "{}"), ("state", "\x00")])
def test_h5p_saved_state_with_nul_characters_is_not_a_500(xapi_client, learner, data_type, data):
    from h5p.models import H5PUserData
    from h5p.player import player_token

    client, lesson = xapi_client
    token = player_token(user_id=learner.pk, lesson_id=lesson.pk, block_id=ACTIVITY_ID)
    response = client.post(f"/h5p/play/{token}/state/{data_type}/0", {"data": data})
    assert response.status_code == 400, response.status_code
    assert response.json()["message"] == "The saved state must not contain NUL characters."
    assert not H5PUserData.objects.exists()
