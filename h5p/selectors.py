"""Finding H5P activities in lessons, who may play them, and learners' results."""

from dataclasses import dataclass

from django.core.cache import cache

from h5p.models import H5PAttempt, H5PPackage, H5PUserData

ACCESS_SECONDS = 60


@dataclass(frozen=True)
class Activity:
    block_id: str
    package_id: int
    weight: int
    required: bool
    title: str


def lesson_activities(lesson) -> list[Activity]:
    """The H5P activity blocks of a lesson's content, in page order (blocks whose package is gone are skipped).

    Reads the stored block data, so a lesson with several activities costs one query, not one per block.
    """
    blocks = [item for item in lesson.body.raw_data if item["type"] == "h5p"]
    ids = {item["value"].get("package") for item in blocks} - {None}
    existing = set(H5PPackage.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    return [
        Activity(block_id=item["id"], package_id=item["value"]["package"], weight=item["value"].get("weight") or 1,
                 required=bool(item["value"].get("required")), title=item["value"].get("title") or "")
        for item in blocks if item["value"].get("package") in existing
    ]


def lesson_activity(lesson, block_id: str) -> Activity | None:
    return next((a for a in lesson_activities(lesson) if a.block_id == block_id), None)


def live_lesson(lesson_id):
    from courses.models import LessonPage

    return LessonPage.objects.live().filter(pk=lesson_id).first()


def may_play(*, user, lesson) -> tuple[bool, object]:
    """(allowed, enrolment): enrolled learners (active or completed), the course's trainers and the Secretariat."""
    from courses.selectors import course_visible_to
    from enrolments.selectors import enrollment_for, may_study

    if not user.is_authenticated or not user.is_active:
        return False, None
    course = lesson.course
    if not course_visible_to(user, course):
        return False, None
    enrollment = enrollment_for(user=user, course=course)
    return may_study(user=user, course=course, enrollment=enrollment), enrollment


@dataclass(frozen=True)
class Access:
    """What serving one activity's player needs, once the permission check passed."""

    lesson_id: int
    package_id: int
    storage_key: str
    library_folders: frozenset[str]
    libraries_version: str  # changes when a library the package uses gets a new patch version


def access_cached(*, user_id: int, lesson_id: int, block_id: str) -> Access | None:
    """What the player needs when the user may play this activity now, else None (the lesson, the activity or the
    permission is gone). Cached for a minute: the player asks for dozens of files per activity."""
    key = f"h5p:access:{user_id}:{lesson_id}:{block_id}"
    hit = cache.get(key)
    if hit is not None:
        return Access(**{**hit, "library_folders": frozenset(hit["library_folders"])}) if hit else None
    access = _access(user_id=user_id, lesson_id=lesson_id, block_id=block_id)
    cache.set(key, {**access.__dict__, "library_folders": sorted(access.library_folders)} if access else {},
              ACCESS_SECONDS)
    return access


def _access(*, user_id: int, lesson_id: int, block_id: str) -> Access | None:
    import hashlib

    from accounts.models import User

    lesson = live_lesson(lesson_id)
    user = User.objects.filter(pk=user_id).first()
    if lesson is None or user is None:
        return None
    activity = lesson_activity(lesson, block_id)
    if activity is None or not may_play(user=user, lesson=lesson)[0]:
        return None
    package = H5PPackage.objects.filter(pk=activity.package_id).first()
    if package is None:
        return None
    libraries = list(package.libraries.all())
    version = hashlib.sha256(",".join(sorted(str(lib) for lib in libraries)).encode()).hexdigest()[:12]
    return Access(lesson_id=lesson.pk, package_id=package.pk, storage_key=str(package.storage_key),
                  library_folders=frozenset(lib.folder for lib in libraries), libraries_version=version)


def attempts_for(*, enrollment, lesson) -> dict[str, H5PAttempt]:
    if enrollment is None:
        return {}
    return {a.block_id: a for a in H5PAttempt.objects.filter(enrollment=enrollment, lesson_key=lesson.translation_key)}


def h5p_activities_completed(*, enrollment, lesson) -> bool:
    """Whether every required H5P activity of the lesson is completed (True when it has none)."""
    required = {a.block_id for a in lesson_activities(lesson) if a.required}
    if not required:
        return True
    done = set(H5PAttempt.objects.filter(enrollment=enrollment, lesson_key=lesson.translation_key,
                                         block_id__in=required, completed=True).values_list("block_id", flat=True))
    return required <= done


def user_data_for(*, user, lesson, block_id: str) -> dict[str, dict[str, str]]:
    """Saved state in the form H5P core reads (H5PIntegration contentUserData): {subContentId: {dataType: JSON}};
    the main content is sub-content "0"."""
    data: dict[str, dict[str, str]] = {}
    for row in H5PUserData.objects.filter(user=user, lesson_key=lesson.translation_key, block_id=block_id):
        data.setdefault(row.sub_content_id, {})[row.data_type] = row.data
    return data


def user_data_get(*, user, lesson, block_id: str, data_type: str, sub_content_id: str) -> str | None:
    row = H5PUserData.objects.filter(user=user, lesson_key=lesson.translation_key, block_id=block_id,
                                     data_type=data_type, sub_content_id=sub_content_id or "0").first()
    return row.data if row else None


def statements_export(*, course_slug: str | None = None, since=None):
    """Stored statements as the chunks of one JSON array (streamed: there may be millions).

    Raises LookupError when `course_slug` names no course.
    """
    import json

    from courses.models import CoursePage, LessonPage
    from h5p.models import XAPIStatement

    statements = XAPIStatement.objects.order_by("stored_at", "id")
    if course_slug:
        course = CoursePage.objects.filter(slug=course_slug).first()
        if course is None:
            raise LookupError(f"No course with the slug {course_slug!r}.")
        # Lessons are identified by translation key, so the course's Spanish version lists them all.
        keys = LessonPage.objects.descendant_of(course).values_list("translation_key", flat=True)
        statements = statements.filter(lesson_key__in=list(keys))
    if since:
        statements = statements.filter(stored_at__date__gte=since)

    def chunks():
        yield "["
        for index, statement in enumerate(statements.values_list("statement", flat=True).iterator(2000)):
            yield ("," if index else "") + json.dumps(statement, ensure_ascii=False)
        yield "]"

    return chunks()
