"""Reads for the catalogue, course outlines and lesson navigation. Query counts do not grow with the data."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.images import get_image_model
from wagtail.models import Page

from courses.models import Audience, CatalogPage, CoursePage, LessonPage, Modality, ModulePage
from crm.models import ActionPlanLine, CrmCountry, Topic

PAGE_SIZE = 12
COVER_RENDITION = "fill-480x270"
HOUR_RANGES = {
    "short": (None, Decimal("5"), _lazy("Under 5 hours")),
    "medium": (Decimal("5"), Decimal("20"), _lazy("5 to 20 hours")),
    "long": (Decimal("20"), None, _lazy("20 hours or more")),
}


def user_sees_everything(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or getattr(user, "is_secretariat", False)))


def audience_q(user, *, staff_field: str) -> Q:
    """Pages with an audience (courses, seminars) a user may see: open ones, those whose audience includes them,
    and those they run (`staff_field`: the many-to-many of trainers or organisers)."""
    if user_sees_everything(user):
        return Q()
    q = Q(audience=Audience.EVERYONE)
    if user.is_authenticated:
        if user.country and CrmCountry.objects.filter(country=user.country,
                                                      status=CrmCountry.Status.MEMBER).exists():
            q |= Q(audience=Audience.MEMBER_OFFICIALS)
        q |= Q(audience=Audience.NETWORK, audience_network__members=user)
        q |= Q(**{staff_field: user})
    return q


def visible_courses_q(user) -> Q:
    """Which courses a user may see: open ones, plus those whose audience includes them or that they teach."""
    return audience_q(user, staff_field="trainers")


def course_visible_to(user, course: CoursePage) -> bool:
    """Whether `user` may see `course` (and its modules and lessons)."""
    if course.audience == Audience.EVERYONE or user_sees_everything(user):
        return True
    if not user.is_authenticated:
        return False
    return CoursePage.objects.filter(pk=course.pk).filter(visible_courses_q(user)).exists()


@dataclass
class CatalogFilters:
    line: str = ""
    topic: str = ""
    language: str = ""
    modality: str = ""
    hours: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params) -> "CatalogFilters":
        """Read the query string, silently dropping values that are not valid choices."""
        language_codes = {code for code, _ in settings.LANGUAGES}
        filters = cls(
            line=params.get("line", "")[:50],
            topic=params.get("topic", "")[:50],
            language=params.get("language", "") if params.get("language", "") in language_codes else "",
            modality=params.get("modality", "") if params.get("modality", "") in Modality.values else "",
            hours=params.get("hours", "") if params.get("hours", "") in HOUR_RANGES else "",
            q=" ".join(params.get("q", "").split())[:100],
        )
        return filters

    @property
    def active(self) -> bool:
        return any(vars(self).values())


@dataclass
class FilterField:
    """One select of the catalogue's filter form."""

    name: str
    label: str
    empty_label: str
    choices: list  # [(value, label)]
    selected: str


@dataclass
class CatalogListing:
    filters: CatalogFilters
    page_obj: PaginatorPage
    total: int
    filter_fields: list[FilterField]


def _filter_fields(filters: CatalogFilters) -> list[FilterField]:
    every, any_ = _("All"), _("Any")
    return [
        FilterField("line", _("Action Plan line"), every,
                    [(line.slug, line.name) for line in ActionPlanLine.objects.all()], filters.line),
        FilterField("topic", _("Topic"), every, [(topic.slug, topic.name) for topic in Topic.objects.all()],
                    filters.topic),
        FilterField("language", _("Language"), every, list(settings.LANGUAGES), filters.language),
        FilterField("modality", _("Modality"), every, list(Modality.choices), filters.modality),
        FilterField("hours", _("Duration"), any_, [(key, label) for key, (_low, _high, label) in HOUR_RANGES.items()],
                    filters.hours),
    ]


def _preferred_locales(current: str) -> list[str]:
    codes = [code for code, _ in settings.LANGUAGES]
    return [current, *[c for c in codes if c != current]]


def _one_version_per_course(qs: QuerySet, visible: QuerySet, current: str) -> QuerySet:
    """Keep, for each course identity (translation_key), the version in the most preferred language.

    Preference: the visitor's language, then the platform languages in order. A version is kept when no
    visible, live version exists in a language ranked above it. Works on SQLite and PostgreSQL alike.
    """
    ranked = _preferred_locales(current)
    keep = Q()
    for index, code in enumerate(ranked):
        clause = Q(locale__language_code=code)
        for better in ranked[:index]:
            clause &= ~Exists(visible.filter(translation_key=OuterRef("translation_key"),
                                             locale__language_code=better))
        keep |= clause
    return qs.filter(keep)


def catalog_listing(*, catalog: CatalogPage, user, params) -> CatalogListing:
    """The courses a catalogue shows to `user`, filtered, searched and paginated."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    filters = CatalogFilters.from_params(params)

    visible = CoursePage.objects.live().filter(visible_courses_q(user))
    qs = _one_version_per_course(visible, visible, current)
    if filters.line:
        qs = qs.filter(action_plan_line__slug=filters.line)
    if filters.topic:
        qs = qs.filter(topics__slug=filters.topic)
    if filters.modality:
        qs = qs.filter(modality=filters.modality)
    if filters.hours:
        low, high, _label = HOUR_RANGES[filters.hours]
        if low is not None:
            qs = qs.filter(estimated_hours__gte=low)
        if high is not None:
            qs = qs.filter(estimated_hours__lt=high)
    if filters.language:
        qs = qs.filter(Exists(visible.filter(translation_key=OuterRef("translation_key"),
                                             locale__language_code=filters.language)))
    if filters.q:
        # Search every language version, then show each matching course once in the preferred language.
        hits = CoursePage.objects.live().search(filters.q, operator="and")
        keys = {page.translation_key for page in hits[:500]}
        qs = qs.filter(translation_key__in=keys)

    qs = (
        qs.distinct()
        .select_related("locale", "action_plan_line")
        .prefetch_related(
            "topics",
            Prefetch("cover_image", queryset=get_image_model().objects.prefetch_renditions(COVER_RENDITION)),
        )
        .order_by("title", "pk")
    )
    paginator = Paginator(qs, PAGE_SIZE)
    page_obj = paginator.get_page(params.get("page"))
    courses = list(page_obj.object_list)
    _attach_languages(courses)
    page_obj.object_list = courses
    return CatalogListing(
        filters=filters,
        page_obj=page_obj,
        total=paginator.count,
        filter_fields=_filter_fields(filters),
    )


def _attach_languages(courses: list[CoursePage]) -> None:
    """Set `course.languages` to the codes of its live language versions (one query for the whole page)."""
    keys = {course.translation_key for course in courses}
    by_key: dict = {}
    for key, code in (CoursePage.objects.live().filter(translation_key__in=keys)
                      .values_list("translation_key", "locale__language_code")):
        by_key.setdefault(key, set()).add(code)
    order = [code for code, _ in settings.LANGUAGES]
    for course in courses:
        course.languages = sorted(by_key.get(course.translation_key, ()), key=order.index)


@dataclass
class OutlineModule:
    module: ModulePage
    lessons: list


def course_outline(*, course: CoursePage) -> dict:
    """Modules and lessons of a course in tree order, with hours, trainers and languages."""
    descendants = Page.objects.live().descendant_of(course).filter(depth__lte=course.depth + 2).order_by("path")
    modules = {m.path: OutlineModule(module=m, lessons=[]) for m in
               ModulePage.objects.filter(pk__in=descendants.filter(depth=course.depth + 1)).order_by("path")}
    for lesson in LessonPage.objects.filter(pk__in=descendants.filter(depth=course.depth + 2)).order_by("path"):
        parent = modules.get(lesson.path[: -Page.steplen])
        if parent is not None:
            parent.lessons.append(lesson)
    languages = sorted(
        CoursePage.objects.live().filter(translation_key=course.translation_key)
        .values_list("locale__language_code", flat=True),
        key=[code for code, _ in settings.LANGUAGES].index,
    )
    return {
        "modules": list(modules.values()),
        "lesson_count": sum(len(m.lessons) for m in modules.values()),
        "trainers": list(course.trainers.all()),
        "topics": list(course.topics.all()),
        "languages": languages,
    }


@dataclass(frozen=True)
class LessonLink:
    title: str
    url: str


def lesson_navigation(*, lesson: LessonPage, request=None) -> dict:
    """Previous and next lesson across the whole course, in outline order; the lesson's module title and the
    course's address.

    The same for every visitor, so it is worked out once per publish (courses.cache.generation_cached)."""
    from courses.cache import generation_cached

    def compute() -> dict:
        course = lesson.course
        lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path")
                       .only("id", "title", "url_path", "path"))
        index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), None)

        def link(position: int) -> LessonLink | None:
            if index is None or not 0 <= position < len(lessons):
                return None
            return LessonLink(title=lessons[position].title, url=lessons[position].get_url(request))

        module = lesson.get_parent()
        return {
            "previous": link(index - 1) if index is not None else None,
            "next": link(index + 1) if index is not None else None,
            "position": index + 1 if index is not None else 0,
            "count": len(lessons),
            "module_title": module.title if module else "",
            "course_url": course.get_url(request),
        }

    host = request.get_host() if request is not None else ""
    return generation_cached(f"campus:lesson-navigation:{lesson.pk}:{host}", compute)

