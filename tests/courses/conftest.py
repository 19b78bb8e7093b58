"""Course tree builders for the tests: catalogues per language, courses with modules and lessons."""

import itertools
from decimal import Decimal

import pytest
from wagtail.models import Locale
from wagtail.rich_text import RichText

from courses.models import CatalogPage, CoursePage, LessonPage, ModulePage
from crm.models import ActionPlanLine, Topic
from home.models import HomePage

_slugs = itertools.count(1)


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def translate(page, language: str, **fields):
    """A published translation of `page` (its parent must already be translated)."""
    copy = page.copy_for_translation(Locale.objects.get(language_code=language))
    for field, value in fields.items():
        setattr(copy, field, value)
    return publish(copy)


def home(language: str) -> HomePage:
    spanish = HomePage.objects.get(locale__language_code="es")
    if language == "es":
        return spanish
    existing = spanish.get_translation_or_none(Locale.objects.get(language_code=language))
    return existing.specific if existing else translate(spanish, language)


def catalog_build() -> CatalogPage:
    """The Spanish catalogue, with its English and French translations (also for module-scoped fixtures)."""
    spanish = home("es").add_child(instance=CatalogPage(title="Catálogo de cursos", slug="cursos"))
    publish(spanish)
    for language, title, slug in (("en", "Course catalogue", "courses"), ("fr", "Catalogue des cours", "cours")):
        home(language)
        translate(spanish, language, title=title, slug=slug)
    return CatalogPage.objects.get(pk=spanish.pk)


@pytest.fixture
def catalog(db) -> CatalogPage:
    return catalog_build()


def make_course(catalog: CatalogPage, *, title: str, modules: int = 1, lessons: int = 2,
                topics=("trafficking-in-persons",), line: str = "training", **fields) -> CoursePage:
    """A published course with `modules` modules of `lessons` lessons each."""
    defaults = {"summary": f"Resumen de {title}", "estimated_hours": Decimal("8"), "modality": "self_paced"}
    defaults.update(fields)
    course = CoursePage(title=title, slug=f"curso-{next(_slugs)}",
                        action_plan_line=ActionPlanLine.objects.get(slug=line), **defaults)
    catalog.add_child(instance=course)
    course.topics.set(Topic.objects.filter(slug__in=topics))
    publish(course)
    for m in range(modules):
        module = course.add_child(instance=ModulePage(title=f"Módulo {m + 1}", slug=f"modulo-{next(_slugs)}"))
        publish(module)
        for n in range(lessons):
            lesson = module.add_child(instance=LessonPage(
                title=f"Lección {m + 1}.{n + 1}", slug=f"leccion-{next(_slugs)}",
                body=[("paragraph", RichText("<p>" + "palabra " * 400 + "</p>"))],
            ))
            publish(lesson)
    return CoursePage.objects.get(pk=course.pk)


def translate_course(course: CoursePage, language: str, title: str, **fields) -> CoursePage:
    """Translate a course and its modules and lessons (the catalogue must exist in `language`)."""
    copy = translate(course, language, title=title, slug=f"{course.slug}-{language}", **fields)
    for page in course.get_descendants().order_by("path").specific():
        translate(page, language, title=f"{page.title} ({language})", slug=f"{page.slug}-{language}")
    return CoursePage.objects.get(pk=copy.pk)


@pytest.fixture
def course_factory(catalog):
    return lambda **kwargs: make_course(catalog, **kwargs)
