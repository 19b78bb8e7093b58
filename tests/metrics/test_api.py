"""The read-only metrics API (`/api/v1/metrics/`): tokens, scoping, the dashboard's filters, the schema.

Figures are compared with `metrics.selectors` for the same scope and filters (test_measures.py and
test_scoping.py check the selectors themselves against the hand-worked `dataset`).
"""

import datetime
from decimal import Decimal

import pytest
import yaml
from django.core.management import CommandError, call_command
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from metrics import selectors, snapshot
from metrics.api import MetricsRateThrottle
from metrics.forms import MetricsFilterForm
from metrics.models import CountryTarget

pytestmark = pytest.mark.django_db

HEADLINE = "/api/v1/metrics/headline/"
MONTHLY = "/api/v1/metrics/monthly/"
TARGETS = "/api/v1/metrics/targets/"
SCHEMA = "/api/v1/schema/"
ENDPOINTS = [HEADLINE, "/api/v1/metrics/breakdown/country/", MONTHLY, TARGETS]
YEAR_2025 = selectors.Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))


def token_for(user) -> dict:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}", "Accept-Language": "en"}


def as_json(values: dict) -> dict:
    """What the API sends for a selector's dict: Decimals as numbers."""
    return {name: float(value) if isinstance(value, Decimal) else value for name, value in values.items()}


def get(client, url, headers, **params):
    return client.get(url, params, headers=headers)


# --- Access ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*ENDPOINTS, SCHEMA])
def test_no_token_is_401(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_401(client, dataset):
    assert client.get(HEADLINE, headers={"Authorization": "Token not-a-token"}).status_code == 401


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_learner_is_403(client, learner, url):
    response = client.get(url, headers=token_for(learner))
    assert response.status_code == 403
    assert "enrolments" not in response.content.decode()


def test_a_token_stops_working_when_its_owner_loses_the_role(client, focal_point_mx):
    headers = token_for(focal_point_mx)
    assert client.get(HEADLINE, headers=headers).status_code == 200
    focal_point_mx.groups.clear()
    assert client.get(HEADLINE, headers=headers).status_code == 403
    focal_point_mx.is_active = False
    focal_point_mx.save()
    assert client.get(HEADLINE, headers=headers).status_code == 401


def test_a_signed_in_secretariat_member_reads_it_with_the_session(client, dataset, secretariat):
    client.force_login(secretariat)
    response = client.get(HEADLINE)
    assert response.status_code == 200
    assert response.json()["measures"]["enrolments"] == 5


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ENDPOINTS)
def test_writes_are_405(client, secretariat, method, url):
    response = getattr(client, method)(url, headers=token_for(secretariat))
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_session_writes_are_405_too(client, secretariat):
    client.force_login(secretariat)
    assert client.post(HEADLINE).status_code == 405


def test_anonymous_writes_are_401(client):
    assert client.post(HEADLINE).status_code == 401


def test_head_and_options(client, dataset, secretariat):
    headers = token_for(secretariat)
    assert client.head(HEADLINE, headers=headers).status_code == 200
    assert client.options(HEADLINE, headers=headers).status_code == 200


def test_requests_are_throttled_per_user(client, secretariat, monkeypatch):
    monkeypatch.setattr(MetricsRateThrottle, "rate", "2/min", raising=False)
    headers = token_for(secretariat)
    assert [client.get(MONTHLY, headers=headers).status_code for _ in range(3)] == [200, 200, 429]


# --- Figures and scope -------------------------------------------------------------------------------------


def test_secretariat_sees_the_region_as_the_selectors_count_it(client, dataset, secretariat):
    headers = token_for(secretariat)
    body = get(client, HEADLINE, headers).json()
    assert body["scope"] == {"kind": "region", "label": "The region", "country": None, "offerings": None}
    assert body["filters"] == {"period": "all"}
    assert body["period"] == {"start": None, "end": None}
    assert body["measures"] == as_json(selectors.headline(selectors.Scope(), selectors.Filters()))
    assert body["measures"]["enrolments"] == 5 and body["measures"]["training_hours"] == 32

    body = get(client, HEADLINE, headers, period="year", year=2025, gender="female", month=4).json()
    filters = selectors.Filters(start=YEAR_2025.start, end=YEAR_2025.end, gender="female")
    assert body["measures"] == as_json(selectors.headline(selectors.Scope(), filters))
    # month is not part of a year period, so it is neither applied nor echoed.
    assert body["filters"] == {"period": "year", "year": 2025, "gender": "female"}
    assert body["period"] == {"start": "2025-01-01", "end": "2025-12-31"}


def test_filters_are_echoed_in_query_string_form(client, dataset, secretariat):
    params = {"period": "custom", "start": "2025-02-01", "end": "2025-03-31", "course": str(dataset.c1.translation_key),
              "line": dataset.lines["training"], "institution": dataset.mx_foreign.pk, "country": "MX"}
    body = get(client, HEADLINE, token_for(secretariat), **params).json()
    assert body["filters"] == params
    filters = selectors.Filters(start=datetime.date(2025, 2, 1), end=datetime.date(2025, 3, 31),
                                course=dataset.c1.translation_key, line=dataset.lines["training"],
                                institution=dataset.mx_foreign.pk, countries=("MX",))
    assert body["measures"] == as_json(selectors.headline(selectors.Scope(), filters))
    assert body["measures"]["completions"] == 1  # B's, in March


@pytest.mark.parametrize("stored", [False, True], ids=["live", "stored"])
def test_focal_point_sees_only_their_country(client, dataset, focal_point_mx, stored):
    if stored:  # all time read from stored figures (metrics.snapshot) instead of counted
        snapshot.refresh([snapshot.Period("all")])
        assert snapshot.stored_rows(selectors.Scope(country="MX"), selectors.Filters(), ("institution",))
    headers = token_for(focal_point_mx)
    mexico = selectors.Scope(country="MX", label="country")
    body = get(client, HEADLINE, headers).json()
    assert body["scope"] == {"kind": "country", "label": "Mexico only", "country": "MX", "offerings": None}
    assert body["measures"] == as_json(selectors.headline(mexico, selectors.Filters(), live=True))
    assert body["measures"]["enrolments"] == 1 and body["measures"]["seminar_participants"] == 1

    rows = get(client, "/api/v1/metrics/breakdown/country/", headers).json()["rows"]
    assert [(row["key"], row["label"]) for row in rows] == [("MX", "Mexico")]
    rows = get(client, "/api/v1/metrics/breakdown/institution/", headers).json()["rows"]
    assert [row["key"] for row in rows] == [dataset.mx_foreign.pk]
    # A course other countries took (C2: HN completed, GT pending, MX rejected): nothing of theirs shows.
    body = get(client, HEADLINE, headers, course=str(dataset.c2.translation_key)).json()
    assert body["measures"] == as_json(selectors.headline(
        mexico, selectors.Filters(course=dataset.c2.translation_key)))
    assert body["measures"]["enrolments"] == body["measures"]["completions"] == 0


@pytest.mark.parametrize("asked", ["GT", "HN", "institution"])
def test_focal_point_asking_for_another_country_gets_no_figures(client, dataset, focal_point_mx, asked):
    params = {"institution": dataset.gt_migration.pk} if asked == "institution" else {"country": asked}
    for url in ENDPOINTS[:3]:
        response = get(client, url, token_for(focal_point_mx), **params)
        # The dashboard's form only offers their own country and its institutions.
        assert response.status_code == 400
        assert set(response.json()) == set(params)


def test_trainer_sees_their_courses_and_seminars(client, dataset):
    trainer = dataset.trainer
    scope = selectors.Scope.for_user(trainer)
    body = get(client, HEADLINE, token_for(trainer)).json()
    assert body["scope"]["kind"] == "offerings" and body["scope"]["country"] is None
    assert body["scope"]["offerings"] == sorted([str(dataset.c1.translation_key), str(dataset.s1.translation_key)])
    assert body["measures"] == as_json(selectors.headline(scope, selectors.Filters()))
    # C1 (A, B, C, D) but not C2 (E); S1 (E, G) but not S2 (A).
    assert body["measures"]["enrolments"] == 4 and body["measures"]["seminar_participants"] == 2
    rows = get(client, "/api/v1/metrics/breakdown/offering/", token_for(trainer)).json()["rows"]
    assert {row["key"] for row in rows} == {str(dataset.c1.translation_key), str(dataset.s1.translation_key)}
    assert {row["label"] for row in rows} == {"Trata de personas", "Seminario regional de protección"}


# --- Breakdown, monthly, targets ---------------------------------------------------------------------------


def row_figures(row: selectors.Row) -> dict:
    return {"enrolments": row.enrolments, "completions": row.completions, "completion_rate": row.completion_rate,
            "learners": row.learners, "seminar_participants": row.participants,
            "officials_trained": row.officials_trained, "training_hours": float(row.training_hours)}


@pytest.mark.parametrize("group", list(selectors.GROUPS))
def test_breakdown_matches_the_selector(client, dataset, secretariat, group):
    body = get(client, f"/api/v1/metrics/breakdown/{group}/", token_for(secretariat),
               period="year", year=2025).json()
    assert body["group"] == group and body["by2"] is None
    expected = selectors.breakdown(selectors.Scope(), YEAR_2025, (group,))
    assert [row["key"] for row in body["rows"]] == [row.key[0] for row in expected]
    assert [{k: v for k, v in row.items() if k not in ("key", "label", "key2", "label2")} for row in body["rows"]] \
        == [row_figures(row) for row in expected]
    assert all(row["label"] and row["key2"] is None and row["label2"] is None for row in body["rows"])


def test_breakdown_by_two_groups(client, dataset, secretariat):
    body = get(client, "/api/v1/metrics/breakdown/country/", token_for(secretariat), by2="line").json()
    expected = selectors.breakdown(selectors.Scope(), selectors.Filters(), ("country", "line"))
    assert [(row["key"], row["key2"]) for row in body["rows"]] == [row.key for row in expected]
    honduras = next(row for row in body["rows"] if row["key"] == "HN" and row["key2"] == dataset.lines["projects"])
    assert honduras["label"] == "Honduras" and honduras["completions"] == 1
    assert honduras["label2"] == selectors.labels("line", [dataset.lines["projects"]])[dataset.lines["projects"]]


def test_unknown_groups(client, secretariat):
    headers = token_for(secretariat)
    assert client.get("/api/v1/metrics/breakdown/planet/", headers=headers).status_code == 404
    for by2 in ("planet", "country"):
        response = get(client, "/api/v1/metrics/breakdown/country/", headers, by2=by2)
        assert response.status_code == 400 and list(response.json()) == ["by2"]


def test_monthly_matches_the_selector(client, dataset, secretariat):
    body = get(client, MONTHLY, token_for(secretariat), period="quarter", year=2025, quarter=1).json()
    filters = selectors.Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 3, 31))
    assert body["rows"] == [{"month": item["month"].isoformat(), "enrolments": item["enrolments"],
                             "completions": item["completions"], "seminar_participants": item["participants"]}
                            for item in selectors.monthly(selectors.Scope(), filters)]
    assert body["rows"][0] == {"month": "2025-01-01", "enrolments": 3, "completions": 0, "seminar_participants": 0}


def test_targets_are_scoped(client, dataset, secretariat, focal_point_mx):
    CountryTarget.objects.create(country="MX", year=2025, measure="officials_trained", target=4)
    CountryTarget.objects.create(country="HN", year=2025, measure="training_hours", target=10)
    CountryTarget.objects.create(country="HN", year=2025, measure="completions", target=2,
                                 action_plan_line_id=dataset.lines["projects"])
    CountryTarget.objects.create(country="GT", year=2024, measure="completions", target=3)

    body = get(client, TARGETS, token_for(secretariat), year=2025).json()
    assert body["filters"] == {"year": 2025}
    assert body["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    rows = {(row["country"], row["measure"]): row for row in body["rows"]}
    assert set(rows) == {("MX", "officials_trained"), ("HN", "training_hours"), ("HN", "completions")}
    assert rows["MX", "officials_trained"] | {"action_plan_line_name": None} == {
        "country": "MX", "country_name": "Mexico", "measure": "officials_trained",
        "measure_label": "Officials trained", "action_plan_line": None, "action_plan_line_name": None,
        "target": 4, "achieved": 1.0, "percent": 25}
    assert (rows["HN", "training_hours"]["achieved"], rows["HN", "training_hours"]["percent"]) == (15.0, 100)
    assert rows["HN", "completions"]["action_plan_line"] == dataset.lines["projects"]
    assert rows["HN", "completions"]["achieved"] == 1

    mexico = get(client, TARGETS, token_for(focal_point_mx), year=2025).json()["rows"]
    assert [row["country"] for row in mexico] == ["MX"]
    assert get(client, TARGETS, token_for(dataset.trainer), year=2025).json()["rows"] == []


# --- Invalid filters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "fields"), [
    ({"period": "custom"}, {"start", "end"}),
    ({"period": "custom", "start": "2025-03-01", "end": "2025-02-01"}, {"end"}),
    ({"period": "year"}, {"year"}),
    ({"period": "someday"}, {"period"}),
    ({"start": "yesterday"}, {"start"}),
    ({"gender": "unknown", "line": "999999"}, {"gender", "line"}),
])
def test_invalid_filters_are_400_with_field_errors(client, secretariat, params, fields):
    for url in ENDPOINTS[:3]:
        response = client.get(url, params, headers=token_for(secretariat))
        assert response.status_code == 400
        errors = response.json()
        assert set(errors) == fields
        assert all(isinstance(messages, list) and messages for messages in errors.values())


def test_custom_period_without_dates_says_why(client, secretariat):
    response = get(client, HEADLINE, token_for(secretariat), period="custom")
    assert response.json() == {"start": ["Choose a value for this period."],
                               "end": ["Choose a value for this period."]}


@pytest.mark.parametrize("year", ["1999", "next"])
def test_targets_year_is_checked(client, secretariat, year):
    response = get(client, TARGETS, token_for(secretariat), year=year)
    assert response.status_code == 400 and list(response.json()) == ["year"]


# --- Cost ---------------------------------------------------------------------------------------------------


def test_a_fixed_number_of_queries(client, dataset, secretariat, django_assert_max_num_queries):
    headers = token_for(secretariat)
    with django_assert_max_num_queries(16):
        assert get(client, HEADLINE, headers, period="year", year=2025, line=dataset.lines["training"]
                   ).status_code == 200
    with django_assert_max_num_queries(12):
        assert get(client, "/api/v1/metrics/breakdown/offering/", headers, by2="gender").status_code == 200


# --- Schema -------------------------------------------------------------------------------------------------


def test_schema_is_openapi_3_and_describes_the_api(client, secretariat):
    response = client.get(SCHEMA, {"format": "json"}, headers=token_for(secretariat))
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {"/api/v1/metrics/headline/", "/api/v1/metrics/breakdown/{group}/",
                                    "/api/v1/metrics/monthly/", "/api/v1/metrics/targets/"}
    assert all(set(operations) == {"get"} for operations in schema["paths"].values())
    headline = schema["paths"]["/api/v1/metrics/headline/"]["get"]
    assert {p["name"] for p in headline["parameters"]} == set(MetricsFilterForm.base_fields)
    period = next(p for p in headline["parameters"] if p["name"] == "period")
    assert set(period["schema"]["enum"]) == {"all", "year", "quarter", "month", "term", "custom"}
    breakdown = schema["paths"]["/api/v1/metrics/breakdown/{group}/"]["get"]
    group = next(p for p in breakdown["parameters"] if p["name"] == "group")
    assert set(group["schema"]["enum"]) == set(selectors.GROUPS)
    measures = schema["components"]["schemas"]["Measures"]["properties"]
    assert set(measures) == set(selectors.headline(selectors.Scope(), selectors.Filters()))
    assert measures["completion_rate"]["description"].startswith("Completion rate: of the enrolments made")
    assert measures["training_hours"]["type"] == "number"
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_schema_in_yaml(client, secretariat):
    response = client.get(SCHEMA, headers=token_for(secretariat))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    assert "/api/v1/metrics/monthly/" in schema["paths"]


# --- Tokens ---------------------------------------------------------------------------------------------------


def test_token_command_creates_once_rotates_and_revokes(focal_point_mx, capsys):
    call_command("metrics_api_token", focal_point_mx.email.upper())
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=focal_point_mx).key == key
    call_command("metrics_api_token", focal_point_mx.email)
    assert capsys.readouterr().out.strip() == key
    call_command("metrics_api_token", focal_point_mx.email, "--rotate")
    rotated = capsys.readouterr().out.strip()
    assert rotated != key and Token.objects.get(user=focal_point_mx).key == rotated
    call_command("metrics_api_token", focal_point_mx.email, "--revoke")
    assert not Token.objects.filter(user=focal_point_mx).exists()


def test_token_command_refuses_people_without_metrics(learner):
    with pytest.raises(CommandError, match="not in the Secretariat"):
        call_command("metrics_api_token", learner.email)
    with pytest.raises(CommandError, match="No user"):
        call_command("metrics_api_token", "nobody@example.org")
    assert not Token.objects.exists()


def test_labels_follow_accept_language(client, dataset, focal_point_mx):
    headers = token_for(focal_point_mx)
    spanish = get(client, "/api/v1/metrics/breakdown/country/", {**headers, "Accept-Language": "es"}).json()
    assert spanish["rows"][0]["label"] == "México"
    english = get(client, "/api/v1/metrics/breakdown/country/", headers)
    assert english.json()["rows"][0]["label"] == "Mexico" and english["Content-Language"] == "en"
