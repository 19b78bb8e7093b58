"""The public results page: small-number suppression, no personal data, the hourly figures cache, the page type."""

import datetime
import itertools
import random
from decimal import Decimal
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from crm.models import PresidencyTerm, Topic
from metrics import selectors
from metrics.pages import ResultsPage
from metrics.public import HIDDEN, SHOWN, SMALL, build_public_figures, protect, results_page_ensure, suppressed
from tests.courses.conftest import home, make_course, publish
from tests.factories import InstitutionFactory, UserFactory
from tests.metrics.conftest import attend, catalog_build, enrol, fresh, register, seminar_index_build
from tests.seminars.conftest import make_seminar

pytestmark = pytest.mark.django_db

# Tables a metrics computation reads; a cached page must not touch them.
METRICS_TABLES = ("enrolments_enrollment", "seminars_registration", "seminars_attendance", "metrics_activitymonth",
                  "certificates_certificate", "quizzes_quizattempt")


# --- The suppression rule on its own ---------------------------------------------------------------------


def test_counts_from_1_to_4_are_published_as_under_5():
    assert [suppressed(n) for n in range(7)] == [0, "<5", "<5", "<5", "<5", 5, 6]
    assert suppressed(9, threshold=10) == "<10"


def test_a_lone_small_cell_gets_a_complementary_one():
    assert protect([3, 10, 20], [True, False, False], totals=[33]) == [SMALL, HIDDEN, SHOWN]


def test_two_small_cells_need_no_complement_unless_their_sum_gives_them_away():
    assert protect([2, 3, 50], [True, True, False], totals=[55]) == [SMALL, SMALL, SHOWN]
    # 1 + 1 = 2: both cells are known to be 1 (and 4 + 4 = 8 both 4): a third cell must go.
    assert protect([1, 1, 50], [True, True, False], totals=[52]) == [SMALL, SMALL, HIDDEN]
    assert protect([4, 4, 50], [True, True, False], totals=[58]) == [SMALL, SMALL, HIDDEN]


def test_a_complement_at_its_minimum_is_not_enough():
    # Hidden 1 and 5 add up to 6: "<5" ≥ 1 and "x" ≥ 5 leave only 1 + 5, so the 20 goes as well.
    assert protect([1, 5, 20], [True, False, False], totals=[26]) == [SMALL, HIDDEN, HIDDEN]


def test_a_column_that_cannot_be_protected_is_withheld():
    assert protect([1, 5], [True, False], totals=[6]) is None
    assert protect([1, 1, 1, 1], [True] * 4, totals=[4]) is None
    assert protect([0, 3], [False, True], totals=[3]) is None


def test_hours_need_a_second_hidden_cell():
    assert protect([Decimal("24"), Decimal("96"), Decimal("18")], [True, False, False], totals=[Decimal("138")],
                   continuous=True) == [SMALL, SHOWN, HIDDEN]


def possible_values(values, statuses, total, index) -> set:
    """Every value cell `index` can take for someone who sees the published cells, the total and the rule
    (hidden "<5" cells are 1..4, complementary cells at least 5 and at most the smallest published non-zero
    cell), by enumeration."""
    shown = [v for v, s in zip(values, statuses, strict=True) if s == SHOWN]
    rest = total - sum(shown)
    ceiling = min([rest, *(v for v in shown if v > 0)])
    hidden = [i for i, s in enumerate(statuses) if s != SHOWN]
    ranges = [range(1, 5) if statuses[i] == SMALL else range(5, ceiling + 1) for i in hidden]
    return {combo[hidden.index(index)] for combo in itertools.product(*ranges) if sum(combo) == rest}


def test_no_hidden_small_cell_can_be_worked_out_from_the_total():
    generator = random.Random(20260501)
    checked = 0
    for _ in range(400):
        values = [generator.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 12]) for _ in range(generator.randint(1, 5))]
        statuses = protect(values, [0 < v < 5 for v in values], totals=[sum(values)])
        if statuses is None:
            continue
        for i, status in enumerate(statuses):
            if status == SMALL:
                assert len(possible_values(values, statuses, sum(values), i)) > 1, (values, statuses)
                checked += 1
    assert checked > 100


# --- The page and its figures ----------------------------------------------------------------------------


def recently(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture(scope="module")
def shared_public_dataset(shared_db, django_db_blocker):
    """The public dataset, built once per module."""
    with django_db_blocker.unblock():
        return public_dataset_build()


@pytest.fixture
def public_dataset(shared_public_dataset, db):
    """The module's public dataset, its objects read afresh for each test."""
    return fresh(shared_public_dataset)


def public_dataset_build() -> SimpleNamespace:
    """GT: 3 officials completed the 8-hour course (a small group); MX: 12 completed it; HN: 7 completed the
    10-hour course; SV: 6 attended every one-hour session of a three-session seminar. Every learner has a
    distinctive name and e-mail address, and sits in an institution with a distinctive name. Built once per
    module, with the results page in three languages."""
    courses, seminars = catalog_build(), seminar_index_build()
    trafficking = make_course(courses, title="Trata de personas", topics=("trafficking-in-persons",),
                              estimated_hours=Decimal("8"))
    consular = make_course(courses, title="Protección consular", topics=("consular-protection",),
                           estimated_hours=Decimal("10"))
    seminar = make_seminar(seminars, title="Seminario de derechos", sessions=3, starts_at=recently(20))
    seminar.topics.set(Topic.objects.filter(slug="human-rights-of-migrants"))
    seminar = publish(seminar)
    people, institutions = [], []

    def official(country: str, n: int):
        institution = InstitutionFactory(name=f"Dirección Reservadísima {country}", country=country)
        user = UserFactory(role="Learner", country=country, institution=institution,
                           full_name=f"Zenobia Quirarte{country}{chr(65 + n)}",
                           email=f"zq.confidencial.{country.lower()}{n}@ejemplo-privado.org")
        people.append(user)
        institutions.append(institution)
        return user, institution

    for country, course, count in (("GT", trafficking, 3), ("MX", trafficking, 12), ("HN", consular, 7)):
        for n in range(count):
            user, institution = official(country, n)
            enrol(user, course, status="completed", requested=recently(60), completed=recently(30), country=country,
                  institution=institution, gender="female")
    for n in range(6):
        user, institution = official("SV", n)
        registration = register(user, seminar, status="confirmed", country="SV", institution=institution,
                                gender="male", attended_at=recently(19))
        attend(registration, seminar, [True, True, True])
    results_page_ensure()
    return SimpleNamespace(people=people, institutions=institutions, seminar=seminar)


@pytest.fixture
def results_page(db):
    """The results page in Spanish, English and French (under the home pages in those languages)."""
    for code in ("en", "fr"):
        home(code)
    return results_page_ensure()


def pages(results_page) -> dict:
    return {page.locale.language_code: page.specific
            for page in ResultsPage.objects.filter(translation_key=results_page.translation_key)
            .select_related("locale")}


def table(html: str, group: str) -> dict:
    """{row label: [cell texts]} of one results table; the cells' visually hidden words are dropped."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup.select(".visually-hidden"):
        hidden.decompose()
    found = soup.find("table", id=f"results-table-{group}")
    return {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in found.tbody.find_all("tr")}


def row_html(html: str, group: str, label: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    return next(str(tr) for tr in soup.find("table", id=f"results-table-{group}").tbody.find_all("tr")
                if tr.th.get_text(strip=True) == label)


def test_the_page_renders_anonymously_in_three_languages(client, results_page, public_dataset):
    urls = {code: page.url for code, page in pages(results_page).items()}
    assert urls == {"es": "/resultados/", "en": "/en/results/", "fr": "/fr/resultats/"}
    for code, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, code
        html = response.content.decode()
        assert f'<html lang="{code}">' in html
        soup = BeautifulSoup(html, "html.parser")
        for group in ("country", "topic"):
            found = soup.find("table", id=f"results-table-{group}")
            assert found.caption.get_text(strip=True)
            assert all(th["scope"] == "col" for th in found.thead.find_all("th"))
            assert all(tr.th["scope"] == "row" for tr in found.tbody.find_all("tr"))
        assert "A number from 1 to 4" in html  # the "<5" explanation (English strings in tests)
        assert "css/results.css" in html


def test_a_country_with_three_officials_shows_under_5(client, results_page, public_dataset):
    html = client.get("/en/results/").content.decode()
    countries = table(html, "country")
    # Officials trained, courses completed, seminar participants, training hours.
    assert countries["Guatemala"] == ["<5", "<5", "0", "x"]
    assert "3" not in row_html(html, "country", "Guatemala")
    assert "24" not in row_html(html, "country", "Guatemala")  # 3 × 8 hours


def test_rows_are_sorted_by_name_not_by_size(client, results_page, public_dataset):
    html = client.get("/resultados/").content.decode()
    assert list(table(html, "country")) == ["El Salvador", "Guatemala", "Honduras", "México"]


def test_no_personal_data_in_the_page(client, results_page, public_dataset):
    for url in ("/resultados/", "/en/results/", "/fr/resultats/"):
        html = client.get(url).content.decode()
        for person in public_dataset.people:
            assert person.full_name not in html and person.email not in html
        assert "Quirarte" not in html and "ejemplo-privado" not in html and "Reservadísima" not in html


def test_hidden_cells_cannot_be_derived_from_the_headline_totals(client, results_page, public_dataset):
    html = client.get("/en/results/").content.decode()
    countries = table(html, "country")
    soup = BeautifulSoup(html, "html.parser")
    headline = {dt.get_text(strip=True): dd.get_text(strip=True)
                for dt, dd in zip(soup.select(".results__card dt"), soup.select(".results__card dd"), strict=True)}
    assert headline["Officials trained"] == "28" and headline["Courses completed"] == "22"
    assert headline["Training hours"] == "208"  # 3×8 + 12×8 + 7×10 + 6×3
    for column, total in ((0, 28), (1, 22), (3, 208)):
        cells = [row[column] for row in countries.values()]
        hidden = [cell for cell in cells if not cell.isdigit()]
        assert len(hidden) >= 2, (column, cells)  # never one hidden cell: total minus the rest would give it away
        if "<5" in hidden:
            values = [0 if not cell.isdigit() else int(cell) for cell in cells]
            statuses = [SHOWN if cell.isdigit() else SMALL if cell == "<5" else HIDDEN for cell in cells]
            # What a visitor can infer for Guatemala from the total and the published cells:
            assert len(possible_values(values, statuses, total, list(countries).index("Guatemala"))) > 1
    # Officials trained: Guatemala's 3 is hidden along with El Salvador's 6 (the smallest other cell).
    assert countries["El Salvador"][0] == "x" and countries["Mexico"][0] == "12"


def test_figures_match_the_selectors_for_larger_groups(client, results_page, public_dataset):
    html = client.get("/en/results/").content.decode()
    countries, topics = table(html, "country"), table(html, "topic")
    start, end = results_page.period_bounds()
    filters = selectors.Filters(start=start, end=end)
    rows = {row.key[0]: row for row in selectors.breakdown(selectors.Scope(), filters, ("country",))}
    mx = rows["MX"]
    assert countries["Mexico"] == [str(mx.officials_trained), str(mx.completions), str(mx.participants),
                                   f"{mx.training_hours:.0f}"] == ["12", "12", "0", "96"]
    assert countries["Honduras"][2:] == ["0", "70"]
    by_topic = {row.key[0]: row for row in selectors.breakdown(selectors.Scope(), filters, ("topic",))}
    rights = by_topic[Topic.objects.get(slug="human-rights-of-migrants").pk]
    assert topics["Human rights of migrants"] == [str(rights.officials_trained), "0", str(rights.participants),
                                                  f"{rights.training_hours:.0f}"] == ["6", "0", "6", "18"]
    figures = selectors.headline(selectors.Scope(), filters)
    soup = BeautifulSoup(html, "html.parser")
    headline = {dt.get_text(strip=True): dd.get_text(strip=True)
                for dt, dd in zip(soup.select(".results__card dt"), soup.select(".results__card dd"), strict=True)}
    assert headline["Seminar participants"] == str(figures["seminar_participants"]) == "6"
    assert headline["Countries reached"] == "4"
    assert headline["Institutions reached"] == str(figures["institutions"]) == "4"


def test_a_small_region_is_under_5_in_the_headline_and_withheld_in_tables(course_factory, results_page):
    course = course_factory(title="Curso pequeño")
    for country in ("GT", "HN"):
        institution = InstitutionFactory(country=country)
        enrol(UserFactory(country=country), course, status="completed", requested=recently(10),
              completed=recently(5), country=country, institution=institution, gender="male")
    start, end = results_page.period_bounds()
    figures = build_public_figures(start=start, end=end)
    assert figures.headline["officials_trained"].marker == "<5"
    assert figures.headline["training_hours"].marker == "x" and figures.headline["training_hours"].value is None
    # One official in each of two countries: two "<5" cells adding up to 2 could only be 1 and 1, so those
    # columns are left out; the hours of fewer than 5 officials are hidden ("x"), two of them.
    country = figures.tables["country"]
    assert country.withheld == ("officials_trained", "completions")
    assert [[cell.marker or cell.value for cell in row.cells] for row in country.rows] == [[0, "x"], [0, "x"]]
    # One topic: its hours alone would equal the region's, so they are left out too.
    topic = figures.tables["topic"]
    assert topic.withheld == ("officials_trained", "completions", "training_hours")
    assert [[cell.value for cell in row.cells] for row in topic.rows] == [[0]]


def test_the_figures_are_cached_for_an_hour_and_shared_by_languages(client, settings, results_page,
                                                                      public_dataset):
    settings.PAGE_CACHE_ENABLED = False  # the whole-page cache would hide the figures cache
    with CaptureQueriesContext(connection) as first:
        assert client.get("/resultados/").status_code == 200
    assert any(table in query["sql"] for query in first.captured_queries for table in METRICS_TABLES)
    for url in ("/resultados/", "/en/results/", "/fr/resultats/"):
        with CaptureQueriesContext(connection) as again:
            assert client.get(url).status_code == 200
        metrics_queries = [query["sql"] for query in again.captured_queries
                           if any(table in query["sql"] for table in METRICS_TABLES)]
        assert metrics_queries == [], url
    key = next(key for key in cache._cache if "metrics:public" in key)  # locmem keeps the expiry per key
    assert 3590 < cache._expire_info[key] - timezone.now().timestamp() <= 3600


def test_a_second_anonymous_visit_is_cheap(client, django_assert_max_num_queries, results_page, public_dataset):
    client.get("/en/results/")
    with django_assert_max_num_queries(0):  # the whole-page cache (PAGE_CACHE_ENABLED in tests)
        assert client.get("/en/results/").status_code == 200


def test_results_page_ensure_is_idempotent(db):
    for code in ("en", "fr"):
        home(code)
    first = results_page_ensure()
    second = results_page_ensure()
    assert first.pk == second.pk
    found = ResultsPage.objects.filter(translation_key=first.translation_key)
    assert found.count() == ResultsPage.objects.count() == 3
    assert {page.locale.language_code: (page.slug, page.live) for page in found} == {
        "es": ("resultados", True), "en": ("results", True), "fr": ("resultats", True)}
    for page in found:
        assert page.get_parent().specific_class.__name__ == "HomePage"
        assert page.get_parent().locale_id == page.locale_id


def test_one_results_page_per_language(results_page):
    spanish_home = home("es")
    assert not ResultsPage.can_create_at(spanish_home)
    other_home_locale = Locale.objects.get(language_code="en")
    assert not ResultsPage.can_create_at(spanish_home.get_translation(other_home_locale))


def test_period_bounds(results_page):
    page = results_page
    today = datetime.date(2026, 5, 10)
    page.period = ResultsPage.Period.LAST_12_MONTHS
    assert page.period_bounds(today) == (datetime.date(2025, 5, 11), today)
    assert page.period_bounds(datetime.date(2028, 2, 29)) == (datetime.date(2027, 3, 1), datetime.date(2028, 2, 29))
    page.period = ResultsPage.Period.CURRENT_YEAR
    assert page.period_bounds(today) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    page.period = ResultsPage.Period.ALL_TIME
    assert page.period_bounds(today) == (None, None)
    term = PresidencyTerm.objects.create(number=250, country="MX", start_date=datetime.date(2024, 7, 1),
                                         end_date=datetime.date(2025, 6, 30))
    page.period, page.term = ResultsPage.Period.TERM, term
    assert page.period_bounds(today) == (term.start_date, term.end_date)
    page.term = None
    with pytest.raises(ValidationError, match="presidency"):
        page.full_clean()
