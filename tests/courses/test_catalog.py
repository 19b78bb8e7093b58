"""The catalogue: one entry per course in the visitor's language, filters, search, pagination, query budget."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from courses.models import CoursePage
from tests.courses.conftest import make_course, translate_course

pytestmark = pytest.mark.django_db


def titles(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [course.title for course in response.context["listing"].page_obj.object_list]


@pytest.fixture
def courses(catalog):
    trafficking = make_course(catalog, title="Identificación de víctimas de trata",
                              summary="Indicadores de trata en puntos fronterizos", topics=("trafficking-in-persons",),
                              estimated_hours=Decimal("4"), modality="self_paced")
    consular = make_course(catalog, title="Protección consular en tránsito", topics=("consular-protection",),
                           estimated_hours=Decimal("12"), modality="instructor_led")
    statistics = make_course(catalog, title="Estadísticas migratorias", topics=("migration-data",),
                             line="information-exchange", estimated_hours=Decimal("25"), modality="blended")
    translate_course(trafficking, "en", "Identifying victims of trafficking",
                     summary="Trafficking indicators at border crossings")
    translate_course(statistics, "en", "Migration statistics")
    return {"trafficking": trafficking, "consular": consular, "statistics": statistics}


def test_each_course_listed_once_in_visitor_language(client, catalog, courses):
    assert titles(client, catalog.url) == [
        "Estadísticas migratorias", "Identificación de víctimas de trata", "Protección consular en tránsito"]
    english = catalog.get_translation(catalog.locale.__class__.objects.get(language_code="en"))
    assert sorted(titles(client, english.url)) == sorted([
        "Identifying victims of trafficking", "Migration statistics", "Protección consular en tránsito"])


def test_courses_only_in_another_language_are_marked(client, catalog, courses):
    english = catalog.get_translation(catalog.locale.__class__.objects.get(language_code="en"))
    html = client.get(english.url).content.decode()
    assert "Only available in" in html
    card = html[html.index("Protección consular en tránsito") - 400:]
    assert 'lang="es"' in card[:800]
    assert html.count("Only available in") == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("line=information-exchange", ["Estadísticas migratorias"]),
        ("topic=consular-protection", ["Protección consular en tránsito"]),
        ("modality=blended", ["Estadísticas migratorias"]),
        ("hours=short", ["Identificación de víctimas de trata"]),
        ("hours=medium", ["Protección consular en tránsito"]),
        ("hours=long", ["Estadísticas migratorias"]),
        ("language=en", ["Estadísticas migratorias", "Identificación de víctimas de trata"]),
        ("language=fr", []),
        ("line=training&topic=trafficking-in-persons", ["Identificación de víctimas de trata"]),
        ("modality=not-a-modality", ["Estadísticas migratorias", "Identificación de víctimas de trata",
                                     "Protección consular en tránsito"]),
    ],
)
def test_filters(client, catalog, courses, query, expected):
    assert titles(client, f"{catalog.url}?{query}") == expected


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        ("es", "trata", ["Identificación de víctimas de trata"]),
        ("es", "consular", ["Protección consular en tránsito"]),
        ("es", "trafficking", ["Identificación de víctimas de trata"]),  # matched through the English version
        ("en", "trafficking", ["Identifying victims of trafficking"]),
        ("en", "statistics", ["Migration statistics"]),
        ("en", "zzzz-nothing", []),
    ],
)
def test_search_in_each_language(client, catalog, courses, language, query, expected):
    from wagtail.models import Locale

    page = catalog.get_translation(Locale.objects.get(language_code=language))
    assert titles(client, f"{page.url}?q={query}") == expected


def test_pagination(client, catalog):
    for n in range(14):
        make_course(catalog, title=f"Curso {n:02d}", modules=0)
    first = client.get(catalog.url).context["listing"]
    assert first.total == 14 and len(first.page_obj.object_list) == 12
    second = client.get(catalog.url + "?page=2").context["listing"]
    assert [c.title for c in second.page_obj.object_list] == ["Curso 12", "Curso 13"]
    assert client.get(catalog.url + "?page=999").status_code == 200  # out of range shows the last page


def _bulk_courses(catalog, count):
    for n in range(count):
        make_course(catalog, title=f"Curso de carga {n:03d}", modules=0,
                    topics=("trafficking-in-persons", "border-management"))


@pytest.mark.parametrize("count", [5, 200])
@override_settings(PAGE_CACHE_ENABLED=False)
def test_catalogue_queries_do_not_grow(client, catalog, django_assert_max_num_queries, count):
    _bulk_courses(catalog, count)
    client.get(catalog.url)  # warm Wagtail's site-root cache
    # Same budget for 5 and 200 courses: site, routing, listing, count, topics, languages, covers, switcher.
    with django_assert_max_num_queries(16):
        response = client.get(catalog.url + "?line=training")
    assert response.context["listing"].total == count


@pytest.mark.parametrize("count", [5, 200])
@override_settings(PAGE_CACHE_ENABLED=False)
def test_course_page_queries_do_not_grow(client, catalog, django_assert_max_num_queries, count):
    _bulk_courses(catalog, count - 1)
    course = make_course(catalog, title="Curso medido", modules=3, lessons=4)
    client.get(course.url)
    # Same budget for 5 and 200 courses (and any number of modules and lessons: two queries fetch the outline).
    with django_assert_max_num_queries(18):
        response = client.get(course.url)
    assert response.status_code == 200


def test_anonymous_catalogue_cached_but_never_stale_after_publish(client, catalog, courses,
                                                                   django_assert_num_queries):
    from django.core.cache import cache

    cache.clear()
    client.get(catalog.url)
    with django_assert_num_queries(0):  # answered before routing (14 queries uncached)
        html = client.get(catalog.url).content.decode()
    assert "Estadísticas migratorias" in html

    course = CoursePage.objects.get(pk=courses["statistics"].pk)
    course.title = "Estadísticas migratorias regionales"
    course.save_revision().publish()
    assert "Estadísticas migratorias regionales" in client.get(catalog.url).content.decode()

    course.unpublish()
    assert "Estadísticas migratorias regionales" not in client.get(catalog.url).content.decode()


def test_only_public_pages_are_cached_for_anonymous_visitors(client, catalog, courses, learner,
                                                             django_assert_num_queries):
    from django.core.cache import cache

    from crm.models import Network

    cache.clear()
    network = Network.objects.get(slug="consular-protection")
    restricted = make_course(catalog, title="Curso reservado", audience="network", audience_network=network)
    assert client.get(restricted.url).status_code == 404
    assert client.get(restricted.url).status_code == 404  # not cached: still checked every time

    client.get(courses["consular"].url)
    with django_assert_num_queries(0):
        assert client.get(courses["consular"].url).status_code == 200

    # A signed-in learner never gets the anonymous copy.
    client.force_login(learner)
    html = client.get(catalog.url).content.decode()
    assert learner.full_name in html


def test_page_privacy_change_invalidates_cache(client, catalog, courses):
    from django.core.cache import cache
    from wagtail.models import PageViewRestriction

    cache.clear()
    assert client.get(courses["consular"].url).status_code == 200
    PageViewRestriction.objects.create(page=courses["consular"], restriction_type=PageViewRestriction.LOGIN)
    assert client.get(courses["consular"].url).status_code == 302


@pytest.mark.parametrize("query", [
    "?utm_source=x", "?page=1&page=2", "?q=trata", "?topic=" + "t" * 250, "?line=1&tracking=abc",
])
def test_made_up_addresses_are_answered_fresh_and_never_stored(client, catalog, courses, query,
                                                               django_assert_max_num_queries):
    """Each made-up parameter would otherwise add a cache entry, and the stored page's links repeat the query."""
    from django.core.cache import cache

    def stored_pages():
        return [key for key in cache._cache if "pagecache:page:" in key]

    cache.clear()
    for _ in range(2):
        response = client.get(catalog.url + query)
        assert response.status_code == 200
    assert stored_pages() == []
    # The known filters are still cached.
    client.get(catalog.url + "?page=1")
    assert len(stored_pages()) == 1
    with django_assert_max_num_queries(0):
        assert client.get(catalog.url + "?page=1").status_code == 200


# --- Signed-in visitors: the route is remembered (courses/cache.py), never to a stale page -----------------------

def _queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured.captured_queries)


def test_the_route_is_remembered_for_signed_in_visitors(client, catalog, courses, learner):
    cache.clear()
    client.force_login(learner)
    url = courses["consular"].url
    status, first = _queries(client, url)
    assert status == 200
    status, second = _queries(client, url)
    assert status == 200
    assert second <= first - 3, (first, second)  # no walk down the tree


def test_a_remembered_route_never_serves_an_unpublished_or_moved_page(client, catalog, courses, learner):
    cache.clear()
    client.force_login(learner)
    course = courses["consular"]
    old_url = course.url
    assert client.get(old_url).status_code == 200
    assert client.get(old_url).status_code == 200  # from the remembered route

    course.slug = "proteccion-consular-nueva"
    course.save_revision().publish()
    course = CoursePage.objects.get(pk=course.pk)
    assert course.url != old_url
    assert client.get(old_url).status_code == 404
    assert client.get(course.url).status_code == 200

    course.unpublish()
    assert client.get(course.url).status_code == 404


def test_routes_follow_the_language(client, catalog, courses, learner):
    cache.clear()
    client.force_login(learner)
    url = courses["consular"].url
    assert client.get(url).status_code == 200
    assert client.get("/en" + url).status_code == 404  # no English translation: never the Spanish page's route


def test_the_language_links_follow_a_new_translation_at_once(client, catalog, courses, learner):
    """The header's language links are cached per page until the next publish."""
    cache.clear()
    client.force_login(learner)
    course = courses["consular"]
    english_link = 'hreflang="en" lang="en"'
    assert 'href="/en/"' in client.get(course.url).content.decode().split(english_link)[0].rsplit("<a ", 1)[1]
    english = translate_course(course, "en", "Consular protection in transit")
    html = client.get(course.url).content.decode()
    assert f'href="{english.url}"' in html.split(english_link)[0].rsplit("<a ", 1)[1]
