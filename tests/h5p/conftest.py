import pytest


@pytest.fixture(autouse=True)
def source_language_strings(settings):
    """These tests read the validator's messages in their source (English) wording; without the project
    catalogue gettext returns them as written."""
    settings.LOCALE_PATHS = []


# --- Lessons with H5P activities: shared by the player, xAPI and import tests ----------------------------------------

from tests.courses.conftest import catalog  # noqa: E402, F401

ACTIVITY_ID = "act-1"


@pytest.fixture
def h5p_root(settings, tmp_path, monkeypatch):
    """Each test stores packages in its own folder (or, on S3, its own key prefix), so tests that look at what is
    stored see only theirs; extraction stages in the test's own temporary folder (`h5p_staging`)."""
    from django.core.files.storage import storages

    from tests.storage_backends import on_s3, own_prefix

    settings.H5P_ROOT = tmp_path / "h5p"
    if on_s3():
        own_prefix(settings, "h5p")
    (tmp_path / "staging").mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "staging"))
    return storages["h5p"]


@pytest.fixture
def h5p_staging(h5p_root, tmp_path):
    """The local folder extractions stage in during the test: empty again once an import is over."""
    return tmp_path / "staging"


def h5p_files(prefix: str = "") -> set[str]:
    """Every file stored in the "h5p" storage below `prefix` (relative names)."""
    from tests.storage_backends import stored_files

    return stored_files("h5p", prefix)


@pytest.fixture
def fresh_cache():
    """The player's 60-second access cache must not carry one test's answer into the next (ids are reused)."""
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


def import_sample(*, title: str = "Pregunta de prueba", question: str = "¿Madrid es la capital de España?",
                  correct: bool = True, **kwargs):
    """A sample H5P.CampusYesNo package imported through the service, as the admin upload would."""
    import io

    from h5p.sample import sample_package
    from h5p.services import package_import

    return package_import(io.BytesIO(sample_package(title=title, question=question, correct=correct)), **kwargs)


def h5p_block(block_id: str, package, *, required: bool = True, weight: int = 1, title: str = "") -> dict:
    """An "H5P activity" block in the stored (raw) StreamField form."""
    return {"type": "h5p", "id": block_id,
            "value": {"package": package.pk, "title": title, "weight": weight, "required": required}}


def lesson_with_h5p(catalog, *blocks: dict, title: str = "Curso interactivo", lessons: int = 1):  # noqa: F811
    """A published course whose first lesson holds a paragraph and the given H5P blocks."""
    from courses.models import LessonPage
    from tests.courses.conftest import make_course, publish

    course = make_course(catalog, title=title, lessons=lessons)
    lesson = LessonPage.objects.descendant_of(course).order_by("path").first()
    lesson.body = [{"type": "paragraph", "value": "<p>Responda la pregunta.</p>"}, *blocks]
    publish(lesson)
    return LessonPage.objects.get(pk=lesson.pk)


def enrol(user, lesson, status: str = "active"):
    from enrolments.models import Enrollment

    course = lesson.course
    return Enrollment.objects.create(user=user, course_key=course.translation_key, course=course, status=status)


@pytest.fixture
def h5p_package(db, h5p_root):
    return import_sample()


@pytest.fixture
def h5p_lesson(catalog, h5p_package, fresh_cache):  # noqa: F811
    """The only lesson of a course, with one required H5P activity (block id ACTIVITY_ID)."""
    return lesson_with_h5p(catalog, h5p_block(ACTIVITY_ID, h5p_package))


@pytest.fixture
def h5p_enrolment(learner, h5p_lesson):
    return enrol(learner, h5p_lesson)


def teach(trainer, lesson) -> None:
    """Make `trainer` one of the lesson's course trainers (a ParentalManyToManyField: saved with a revision)."""
    course = lesson.course
    course.trainers.add(trainer)
    course.save_revision().publish()
