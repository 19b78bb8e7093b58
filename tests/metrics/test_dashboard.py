"""The "Capacity metrics" dashboard, its exports and charts: who sees what, bad filters, query count."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Institution
from enrolments.models import Enrollment
from metrics import snapshot
from tests.courses.conftest import make_course
from tests.factories import InstitutionFactory, UserFactory
from tests.metrics.conftest import catalog_build, fresh


@pytest.fixture
def client(client):
    """Log-ins read the admin in English (each user's Wagtail profile language), so assertions read English."""
    from wagtail.users.models import UserProfile

    force_login = client.force_login

    def login_in_english(user, *args, **kwargs):
        UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})
        force_login(user, *args, **kwargs)

    client.force_login = login_in_english
    return client


def _enrol(course, country: str, *, institution=None, status="completed", name=None):
    user = UserFactory(role="Learner", country=country, institution=institution,
                       **({"full_name": name} if name else {}))
    return Enrollment.objects.create(
        user=user, course=course, course_key=course.translation_key, status=status, country=country,
        completed_at=timezone.now() if status == "completed" else None, institution=institution,
        institution_type=institution.type if institution else "")


@pytest.fixture(scope="module")
def shared_region(shared_db, django_db_blocker):
    with django_db_blocker.unblock():
        return region_build()


@pytest.fixture
def region(shared_region, db):
    """The module's region (built once), its objects read afresh for each test."""
    return fresh(shared_region)


def region_build() -> dict:
    """Two courses; Mexico 3 completions (institution INM-MX), Guatemala 2 (IGM), Honduras 1 active."""
    courses = catalog_build()
    first, second = make_course(courses, title="Trata de personas"), make_course(courses, title="Protección consular")
    inm = InstitutionFactory(country="MX", name="Instituto Nacional de Migración")
    igm = InstitutionFactory(country="GT", name="=HYPERLINK(\"http://evil\")")
    for _ in range(3):
        _enrol(first, "MX", institution=inm)
    for _ in range(2):
        _enrol(second, "GT", institution=igm)
    _enrol(second, "HN", status="active")
    return {"first": first, "second": second, "inm": inm, "igm": igm}


@pytest.fixture(params=["live", "stored"])
def figures(request, region):
    """Each test twice: figures counted live, and read from stored figures (metrics.snapshot) of the periods
    under way, which the region's enrolments (made now) fall in."""
    if request.param == "stored":
        snapshot.refresh(snapshot.recent_periods())
    return request.param


def _rows(html: str, table_id: str) -> str:
    start = html.index(f'id="table-{table_id}"')
    return html[start:html.index("</table>", start)]


def _csv(client, name: str, **params) -> list[list[str]]:
    response = client.get(reverse("metrics:export", args=[name]), {"export": "csv", **params})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_secretariat_sees_the_region_and_drills_down_country_then_institution(client, secretariat, region,
                                                                                  figures):
    client.force_login(secretariat)
    html = client.get(reverse("metrics:dashboard")).content.decode()
    assert ("Figures as of" if figures == "stored" else "Figures counted now") in html
    countries = _rows(html, "country")
    assert "Mexico" in countries and "Guatemala" in countries and "Honduras" in countries
    # drill-down: the Mexico row links to the institutions of Mexico, then to that institution's courses
    response = client.get(reverse("metrics:dashboard"), {"country": "MX"})
    drill = _rows(response.content.decode(), "drilldown")
    assert "Instituto Nacional de Migración" in drill and "Guatemala" not in drill
    response = client.get(reverse("metrics:dashboard"), {"country": "MX", "institution": region["inm"].pk})
    drill = _rows(response.content.decode(), "drilldown")
    assert "Trata de personas" in drill and "Protección consular" not in drill


def test_exports_carry_the_same_figures_in_csv_and_xlsx(client, secretariat, region, figures):
    client.force_login(secretariat)
    rows = _csv(client, "country")
    assert rows[0][:3] == ["Country", "Enrolments", "Completions"]
    by_country = {row[0]: row for row in rows[1:]}
    assert by_country["Mexico"][1:3] == ["3", "3"] and by_country["Honduras"][1:3] == ["1", "0"]
    response = client.get(reverse("metrics:export", args=["country"]), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Guatemala"][1:3] == (2, 2)
    monthly = _csv(client, "monthly")
    assert monthly[0] == ["Month", "Enrolments", "Completions", "Seminar participants"]
    assert sum(int(row[1]) for row in monthly[1:]) == 6


def test_csv_export_does_not_hand_a_formula_to_the_spreadsheet(client, secretariat, region):
    client.force_login(secretariat)
    rows = _csv(client, "drilldown", country="GT")
    assert rows[1][0].startswith("'=HYPERLINK")


def test_a_focal_point_sees_only_their_country_in_every_view_export_and_chart(client, region, figures):
    focal_point = UserFactory(role="Country focal point", country="MX", focal_point_country="MX")
    client.force_login(focal_point)
    html = client.get(reverse("metrics:dashboard")).content.decode()
    for table_id in ("country", "line", "topic", "drilldown"):
        assert "Guatemala" not in _rows(html, table_id)
    assert "Mexico" in _rows(html, "country")
    assert ">3<" in html and "Mexico only" in html
    # another country is not a choice: the filter is refused and the figures stay Mexico's
    response = client.get(reverse("metrics:dashboard"), {"country": "GT"})
    assert "Guatemala" not in _rows(response.content.decode(), "country")
    assert "Select a valid choice" in response.content.decode()
    for name in ("country", "line", "topic", "drilldown"):
        exported = " ".join(" ".join(row) for row in _csv(client, name))
        assert "Guatemala" not in exported and "Honduras" not in exported
    assert client.get(reverse("metrics:export", args=["country"]), {"export": "csv", "country": "GT"}).status_code \
        == 400
    svg = client.get(reverse("metrics:chart", args=["country"])).content.decode()
    assert "Mexico" in svg and "Guatemala" not in svg


def test_a_trainer_sees_only_their_courses(client, region, trainer):
    course = region["first"]
    course.trainers.add(trainer)
    course.save_revision().publish()
    client.force_login(trainer)
    html = client.get(reverse("metrics:dashboard")).content.decode()
    assert "Your courses and seminars" in html
    assert "Guatemala" not in _rows(html, "country")  # Guatemala's officials took the other course
    rows = _csv(client, "country")
    assert [row[0] for row in rows[1:]] == ["Mexico"]


def test_learners_have_no_dashboard(client, learner):
    client.force_login(learner)
    assert client.get(reverse("metrics:dashboard")).status_code in (302, 403)
    assert client.get(reverse("metrics:export", args=["country"]), {"export": "csv"}).status_code in (302, 403)


def test_bad_filters_get_a_message_and_change_nothing(client, secretariat, region):
    client.force_login(secretariat)
    response = client.get(reverse("metrics:dashboard"), {"period": "custom", "start": "2026-05-01",
                                                        "end": "2026-04-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The end of the range cannot come before its start." in html
    assert "Mexico" in _rows(html, "country")  # unfiltered figures, not an empty or partial page
    response = client.get(reverse("metrics:export", args=["country"]), {"export": "pdf"})
    assert response.status_code == 400


def test_the_dashboard_query_count_does_not_grow_with_the_data(client, secretariat, region):
    client.force_login(secretariat)
    params = {"period": "year", "year": timezone.localdate().year}

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("metrics:dashboard"), params).status_code == 200
        return len(queries)

    count()  # the first request fills the five-minute caches (target progress)
    before = count()
    for country in ("CR", "PA", "SV", "NI", "BZ"):
        institution = InstitutionFactory(country=country, name=f"Dirección de Migración {country}",
                                         type=Institution.Type.MIGRATION)
        for status in ("completed", "active", "withdrawn"):
            _enrol(region["second"], country, institution=institution, status=status)
    assert count() == before


def test_with_stored_figures_the_dashboard_reads_instead_of_counting(client, secretariat, region):
    client.force_login(secretariat)
    params = {"period": "year", "year": timezone.localdate().year, "country": "MX"}

    def statements() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("metrics:dashboard"), params)
        assert response.status_code == 200
        return [query["sql"] for query in queries]

    live = statements()
    snapshot.refresh(snapshot.periods())  # this year's months too, for the monthly trend
    stored = statements()
    assert len(stored) < len(live) - 10
    counting = [sql for sql in stored if "COUNT(" in sql and ('"enrolments_enrollment"' in sql
                                                              or '"seminars_registration"' in sql)]
    assert counting == []
    assert any("COUNT(" in sql and '"enrolments_enrollment"' in sql for sql in live)
