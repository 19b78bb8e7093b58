"""Keeping the metrics' own tables in step with the pages and the learner record."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from metrics.models import ActivityMonth, CountryTarget, Offering, OfferingSession, month_start


def _session_hours(starts_at: datetime.datetime, ends_at: datetime.datetime) -> Decimal:
    seconds = max((ends_at - starts_at).total_seconds(), 0)
    return (Decimal(seconds) / 3600).quantize(Decimal("0.01"))


def _values(page) -> dict:
    from courses.models import CoursePage

    if isinstance(page, CoursePage):
        return {"kind": Offering.Kind.COURSE, "hours": page.estimated_hours, "host_country": "",
                "starts_at": None, "ends_at": None}
    return {"kind": Offering.Kind.SEMINAR, "hours": page.hours, "host_country": page.host_country or "",
            "starts_at": page.starts_at, "ends_at": page.ends_at}


def _reference_version(page):
    """The version in the site's default language when there is one: its title names the offering in tables."""
    if page.locale.language_code == settings.LANGUAGE_CODE:
        return page
    default = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
    if default is None:
        return page
    original = page.get_translation_or_none(default)
    return original.specific if original is not None and original.live else page


@transaction.atomic
def offering_sync(page) -> Offering:
    """Copy a published course's or seminar's attributes (and a seminar's sessions) to its offering."""
    page = _reference_version(page)
    offering, _created = Offering.objects.update_or_create(
        key=page.translation_key,
        defaults={"title": page.title[:255], "action_plan_line_id": page.action_plan_line_id,
                  "modality": page.modality, "network_id": page.audience_network_id, **_values(page)},
    )
    offering.topics.set([topic.pk for topic in page.topics.all()])
    if offering.kind == Offering.Kind.SEMINAR:
        sessions = list(page.sessions.all())
        for session in sessions:
            OfferingSession.objects.update_or_create(
                key=session.key, defaults={"offering": offering, "starts_at": session.starts_at,
                                           "hours": _session_hours(session.starts_at, session.ends_at)})
        offering.sessions.exclude(key__in=[session.key for session in sessions]).delete()
    return offering


def offerings_rebuild() -> int:
    """Recompute every offering from the live pages (run by `manage.py metrics_rebuild`, nightly and after
    imports). Offerings whose pages were deleted stay: their enrolments still count."""
    from courses.models import CoursePage
    from seminars.models import SeminarPage

    seen = set()
    for model in (CoursePage, SeminarPage):
        for page in model.objects.live().select_related("locale").order_by("pk"):
            if page.translation_key in seen:
                continue
            seen.add(page.translation_key)
            offering_sync(page)
    return len(seen)


ACTIVITY_MARK_SECONDS = 32 * 24 * 60 * 60


def activity_record(*, enrollment_id: int, moment: datetime.datetime) -> None:
    """Remember that an enrolment had lesson activity in `moment`'s month (once per month; safe to repeat)."""
    month = month_start(timezone.localtime(moment))
    # Every lesson visit calls this: once the month is stored, the cache says so and the INSERT is skipped. The
    # mark is set only after commit, so a rolled-back visit never hides a month; a lost mark costs one INSERT.
    mark = f"metrics:activity:{enrollment_id}:{month:%Y-%m}"
    if cache.get(mark):
        return
    ActivityMonth.objects.bulk_create([ActivityMonth(enrollment_id=enrollment_id, month=month)],
                                      ignore_conflicts=True)
    transaction.on_commit(lambda: cache.set(mark, 1, ACTIVITY_MARK_SECONDS))


def target_set(*, country: str, year: int, measure: str, target: int, action_plan_line=None) -> CountryTarget:
    item, _created = CountryTarget.objects.update_or_create(
        country=country, year=year, measure=measure, action_plan_line=action_plan_line,
        defaults={"target": target})
    return item


def activity_backfill(batch: int = 5_000) -> int:
    """Months of activity for progress recorded before activity was tracked by month: the months of each
    lesson's first and last visit (what the progress rows still know). Safe to run again."""
    from enrolments.models import LessonProgress

    created = 0
    pending: set[tuple[int, datetime.date]] = set()
    rows = LessonProgress.objects.values_list("enrollment_id", "first_visit_at", "last_visit_at").order_by()
    for enrollment_id, first, last in rows.iterator(chunk_size=batch):
        for moment in (first, last):
            if moment is not None:
                pending.add((enrollment_id, month_start(timezone.localtime(moment))))
        if len(pending) >= batch:
            created += _activity_insert(pending)
    return created + _activity_insert(pending)


def _activity_insert(pending: set) -> int:
    count = len(pending)
    ActivityMonth.objects.bulk_create([ActivityMonth(enrollment_id=e, month=m) for e, m in pending],
                                      ignore_conflicts=True)
    pending.clear()
    return count
