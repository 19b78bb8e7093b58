"""Capacity measures, computed in SQL and always within the viewer's scope.

Two populations feed every figure:

- course enrolments that were accepted (pending and rejected requests are not enrolments), and
- confirmed seminar registrations (waiting lists, withdrawals and refusals are not participation).

Both carry the learner's country, institution and gender as they were at enrolment or registration, so figures
do not move when an official changes post. Each measure is dated by its own event: an enrolment by its request,
a completion by its completion, a certificate by its issue, seminar participation by the seminar's start,
attended hours by the session's start, activity by the month of a lesson visit.

Definitions (also shown on the dashboard):

- completion rate: of the enrolments made in the period, the share completed so far;
- officials trained: distinct people who completed a course or attended a seminar (reached its attendance
  threshold) in the period;
- institutions reached: distinct institutions of the people enrolled or registered in the period;
- training hours: a course's hours for each completion plus each attended session's length;
- average final-assessment score: each enrolment's best attempt at its course's final assessment, averaged;
- attendance rate: of the confirmed participants of seminars that have ended, the share who attended.

A focal point's scope is their country; a trainer's is the courses they teach and the seminars they organise;
the Secretariat sees the region. `Scope.for_user` is the only way to obtain one, and every selector takes it.
"""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from certificates.models import Certificate
from crm.models import CrmCountry
from enrolments.models import Enrollment
from metrics.models import ActivityMonth, month_start
from quizzes.models import QuizAttempt
from seminars.models import Attendance, Registration

ZERO = Decimal("0")


# --- Who sees what ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What one viewer may count: the whole region, one country, or some offerings (course/seminar keys)."""

    country: str = ""
    offering_keys: frozenset | None = None
    label: str = "region"

    @property
    def is_region(self) -> bool:
        return not self.country and self.offering_keys is None

    @classmethod
    def for_user(cls, user) -> "Scope | None":
        """The Secretariat sees the region, a focal point their country, a trainer their own courses and seminars;
        anybody else nothing (None)."""
        if not user.is_authenticated:
            return None
        if user.is_secretariat:
            return cls()
        if user.is_focal_point:
            return cls(country=str(user.focal_point_country), label="country")
        if user.is_trainer:
            from courses.models import CoursePage
            from seminars.models import SeminarPage

            keys = set(CoursePage.objects.filter(trainers=user).values_list("translation_key", flat=True))
            keys |= set(SeminarPage.objects.filter(organisers=user).values_list("translation_key", flat=True))
            return cls(offering_keys=frozenset(keys), label="offerings")
        return None


# --- Filters ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Dimension filters and the period (dates inclusive). Empty values mean "all"."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    countries: tuple = ()
    country_status: str = ""  # CrmCountry.Status: member or observer
    institution: int | None = None
    institution_type: str = ""
    gender: str = ""
    course: object = None  # a course identity (UUID): seminars drop out
    line: int | None = None
    topic: int | None = None
    modality: str = ""
    language: str = ""
    network: int | None = None

    @property
    def has_period(self) -> bool:
        return self.start is not None or self.end is not None

    def bounds(self) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """[start, end) as aware datetimes in the platform's time zone."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, zone) if self.start else None
        end = (datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, zone)
               if self.end else None)
        return start, end


ALWAYS = Q(pk__isnull=False)


def _within(filters: Filters, path: str, *, dates: bool = False) -> Q:
    """The period as a condition on one date or datetime field (ALWAYS without a period)."""
    if not filters.has_period:
        return ALWAYS
    if dates:
        start, end = filters.start, filters.end
        q = Q()
        if start:
            q &= Q(**{f"{path}__gte": start})
        if end:
            q &= Q(**{f"{path}__lte": end})
        return q
    start, end = filters.bounds()
    q = Q()
    if start:
        q &= Q(**{f"{path}__gte": start})
    if end:
        q &= Q(**{f"{path}__lt": end})
    return q


@dataclass(frozen=True)
class _Population:
    """Field paths that differ between enrolments and registrations."""

    key: str
    language: str
    institution_type: str


_ENROLMENT = _Population(key="course_key", language="course__locale__language_code",
                         institution_type="institution_type")
_REGISTRATION = _Population(key="seminar_key", language="seminar__locale__language_code",
                            institution_type="institution_type")


def _narrow(qs: QuerySet, population: _Population, scope: Scope, filters: Filters) -> QuerySet:
    if scope.country:
        qs = qs.filter(country=scope.country)
    if scope.offering_keys is not None:
        qs = qs.filter(**{f"{population.key}__in": scope.offering_keys})
    if filters.countries:
        qs = qs.filter(country__in=filters.countries)
    if filters.country_status:
        qs = qs.filter(country__in=CrmCountry.objects.filter(status=filters.country_status).values("country"))
    if filters.institution:
        qs = qs.filter(institution_id=filters.institution)
    if filters.institution_type:
        qs = qs.filter(**{population.institution_type: filters.institution_type})
    if filters.gender:
        qs = qs.filter(gender=filters.gender)
    if filters.line:
        qs = qs.filter(offering__action_plan_line_id=filters.line)
    if filters.topic:
        qs = qs.filter(offering__topics=filters.topic)
    if filters.modality:
        qs = qs.filter(offering__modality=filters.modality)
    if filters.network:
        qs = qs.filter(offering__network_id=filters.network)
    if filters.language:
        qs = qs.filter(**{population.language: filters.language})
    return qs


def enrolments(scope: Scope, filters: Filters) -> QuerySet[Enrollment]:
    """Accepted enrolments within scope and dimension filters (not yet the period)."""
    qs = Enrollment.objects.exclude(status__in=(Enrollment.Status.PENDING, Enrollment.Status.REJECTED))
    if filters.course:
        qs = qs.filter(course_key=filters.course)
    return _narrow(qs, _ENROLMENT, scope, filters)


def registrations(scope: Scope, filters: Filters) -> QuerySet[Registration]:
    """Confirmed seminar registrations within scope and dimension filters (not yet the period)."""
    if filters.course:
        return Registration.objects.none()
    qs = Registration.objects.filter(status=Registration.Status.CONFIRMED)
    return _narrow(qs, _REGISTRATION, scope, filters)


# --- Measures --------------------------------------------------------------------------------------------


def _rate(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _compiled(*querysets: QuerySet) -> tuple[list[str], list]:
    """Each non-empty queryset's SQL and parameters, as the ORM compiles them."""
    parts, params = [], []
    for qs in querysets:
        if qs.query.is_empty():
            continue
        try:
            sql, part_params = qs.query.get_compiler(connection=connection).as_sql()
        except EmptyResultSet:  # a condition that matches nothing, e.g. `course_key__in=[]` (trainer, no courses)
            continue
        parts.append(sql)
        params.extend(part_params)
    return parts, params


def _over(*querysets: QuerySet, aggregate: str = "COUNT(DISTINCT v)", group: tuple = ()) -> dict:
    """`aggregate` of v per (g0, g1, ...) over the UNION ALL of querysets that select `v` and `g0`... by those
    aliases (see `_counted`). Returns {(g0, ...): value}; {(): value} without groups, nothing when no queryset
    can match."""
    parts, params = _compiled(*querysets)
    if not parts:
        return {}
    columns = ", ".join(f"g{i}" for i in range(len(group)))
    select = f"{columns}, " if group else ""
    # Only generated aliases, a fixed aggregate and the ORM's own compiled SQL are interpolated; values are bound
    # parameters.
    sql = (f"SELECT {select}{aggregate} FROM ({' UNION ALL '.join(parts)}) AS u "  # noqa: S608
           f"WHERE v IS NOT NULL{' GROUP BY ' + columns if group else ''}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {tuple(row[:-1]): row[-1] for row in rows}


def _counted(qs: QuerySet, value: str, group_fields=()) -> QuerySet:
    """`qs` selecting `value` as v and each group field as g0, g1, ... for `_over`."""
    return qs.values(v=F(value), **{f"g{i}": F(name) for i, name in enumerate(group_fields)}).order_by()


def _grouped(qs: QuerySet, fields: list[str], **aggregates) -> list[dict]:
    """`aggregates` per distinct value of `fields`; one row for the whole of `qs` without fields."""
    if not fields:
        return [qs.aggregate(**aggregates)]
    return list(qs.values(*fields).annotate(**aggregates).order_by())


def _events(filters: Filters) -> tuple[Q, Q, Q, Q]:
    """The period as conditions on each event: (enrolled, completed) on enrolments, (seminar in the period,
    attended) on registrations."""
    return (_within(filters, "requested_at"),
            Q(status=Enrollment.Status.COMPLETED) & _within(filters, "completed_at"),
            _within(filters, "offering__starts_at"),
            Q(attended_at__isnull=False) & _within(filters, "attended_at"))


# Group name → field path on enrolments and on registrations.
GROUPS = {
    "country": ("country", "country"),
    "institution": ("institution_id", "institution_id"),
    "offering": ("course_key", "seminar_key"),
    "line": ("offering__action_plan_line_id", "offering__action_plan_line_id"),
    "topic": ("offering__topics", "offering__topics"),
    "gender": ("gender", "gender"),
}


@dataclass
class Row:
    """Every measure for one group (key: one value per grouping dimension; () for the whole population)."""

    key: tuple
    enrolments: int = 0
    completions: int = 0
    cohort_completed: int = 0
    learners: int = 0
    participants: int = 0
    officials_trained: int = 0
    course_hours: Decimal = field(default_factory=lambda: ZERO)
    seminar_hours: Decimal = field(default_factory=lambda: ZERO)
    # Computed only when asked for (`breakdown(..., full=True)`, the headline):
    active_learners: int = 0
    certificates: int = 0
    institutions: int = 0
    average_score: float | None = None
    seminar_ended: int = 0
    seminar_ended_attended: int = 0

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.cohort_completed, self.enrolments)

    @property
    def training_hours(self) -> Decimal:
        return self.course_hours + self.seminar_hours

    @property
    def attendance_rate(self) -> float | None:
        return _rate(self.seminar_ended_attended, self.seminar_ended)


def _key_part(group: str, value):
    """One spelling per key whatever the query or database returned (UUIDs come back as hex text from SQLite's
    raw cursor)."""
    if value is None:
        return None
    if group == "offering":
        return str(uuid.UUID(str(value)))
    return value if isinstance(value, int) else str(value)


def headline(scope: Scope, filters: Filters, *, live: bool = False) -> dict:
    """Every measure for the scope, filters and period, in a fixed number of queries."""
    row = breakdown(scope, filters, (), full=True, live=live)[0]
    return {
        "enrolments": row.enrolments,
        "active_learners": row.active_learners,
        "completions": row.completions,
        "completion_rate": row.completion_rate,
        "certificates": row.certificates,
        "officials_trained": row.officials_trained,
        "institutions": row.institutions,
        "training_hours": row.training_hours,
        "course_hours": row.course_hours,
        "seminar_hours": row.seminar_hours,
        "average_score": row.average_score,
        "seminar_participants": row.participants,
        "attendance_rate": row.attendance_rate,
    }


def breakdown(scope: Scope, filters: Filters, by: tuple[str, ...], *, full: bool = False,
              live: bool = False) -> list[Row]:
    """Measures per group (e.g. by=("country",) or ("country", "line"); () gives one row for everything), sorted
    by enrolments then key. `full` adds the measures only the headline shows. Read from the stored snapshot
    when it holds this period, scope and filters (`metrics.snapshot`) unless `live`; otherwise computed here in
    a fixed number of queries whatever the number of groups (four; nine with `full`)."""
    if not live:
        from metrics import snapshot

        stored = snapshot.stored_rows(scope, filters, by, full=full)
        if stored is not None:
            return stored
    e_fields = [GROUPS[name][0] for name in by]
    r_fields = [GROUPS[name][1] for name in by]
    base_e, base_r = enrolments(scope, filters), registrations(scope, filters)
    enrolled, completed, in_seminar_period, attended = _events(filters)
    rows: dict[tuple, Row] = {}
    if not by:
        rows[()] = Row(key=())

    def row(key) -> Row:
        key = tuple(_key_part(name, part) for name, part in zip(by, key, strict=True))
        return rows.setdefault(key, Row(key=key))

    for item in _grouped(base_e.filter(enrolled | completed), e_fields,
                         enrolments=Count("pk", filter=enrolled), completions=Count("pk", filter=completed),
                         cohort_completed=Count("pk", filter=enrolled & Q(status=Enrollment.Status.COMPLETED)),
                         learners=Count("user", filter=enrolled, distinct=True),
                         hours=Sum("offering__hours", filter=completed)):
        target = row([item[name] for name in e_fields])
        target.enrolments, target.completions = item["enrolments"], item["completions"]
        target.cohort_completed, target.learners = item["cohort_completed"], item["learners"]
        target.course_hours += item["hours"] or ZERO
    ended = Q(offering__ends_at__lt=timezone.now())
    for item in _grouped(base_r.filter(in_seminar_period), r_fields,
                         participants=Count("user", distinct=True),
                         ended=Count("pk", filter=ended),
                         ended_attended=Count("pk", filter=ended & Q(attended_at__isnull=False))):
        target = row([item[name] for name in r_fields])
        target.participants = item["participants"]
        target.seminar_ended, target.seminar_ended_attended = item["ended"], item["ended_attended"]
    a_fields = [f"registration__{name}" for name in r_fields]
    attendance = Attendance.objects.filter(present=True, registration__in=base_r)
    if filters.topic and "topic" in by:
        # The queries above group on the join their topic filter made (the chosen topic only); so must this one.
        attendance = attendance.filter(registration__offering__topics=filters.topic)
    for item in _grouped(attendance.filter(_within(filters, "session__starts_at")), a_fields,
                         hours=Sum("session__hours")):
        row([item[name] for name in a_fields]).seminar_hours += item["hours"] or ZERO
    trained = _over(_counted(base_e.filter(completed), "user_id", e_fields),
                    _counted(base_r.filter(attended), "user_id", r_fields), group=tuple(by))
    for key, count in trained.items():
        row(key).officials_trained = count
    if full:
        _add_full_measures(row, by, filters, base_e, base_r)
    return sorted(rows.values(), key=lambda r: (-r.enrolments, -r.participants, [str(k) for k in r.key]))


def _add_full_measures(row, by: tuple[str, ...], filters: Filters, base_e: QuerySet, base_r: QuerySet) -> None:
    """Active learners, certificates, institutions reached and the average final score, per group."""
    from courses.models import LessonPage

    e_fields = [GROUPS[name][0] for name in by]
    r_fields = [GROUPS[name][1] for name in by]
    enrolled, _completed, in_seminar_period, _attended = _events(filters)
    # Enrolments with activity in the period, then their learners: a semi-join per enrolment, not a join of
    # every activity month back to its enrolment (half the time at regional scale, bench/metrics.py).
    months = ActivityMonth.objects.filter(enrollment=OuterRef("pk"))
    if filters.start:
        months = months.filter(month__gte=month_start(filters.start))
    if filters.end:
        months = months.filter(month__lte=filters.end)
    for item in _grouped(base_e.filter(Exists(months)), e_fields, n=Count("user", distinct=True)):
        row([item[name] for name in e_fields]).active_learners = item["n"]
    # Course and seminar certificates counted apart: two indexable semi-joins instead of one OR.
    valid = Certificate.objects.filter(status=Certificate.Status.VALID).filter(
        _within(filters, "issued_on", dates=True))
    for queryset, fields in ((valid.filter(enrollment__in=base_e), [f"enrollment__{name}" for name in e_fields]),
                             (valid.filter(enrollment__isnull=True, registration__in=base_r),
                              [f"registration__{name}" for name in r_fields])):
        for item in _grouped(queryset, fields, n=Count("pk")):
            row([item[name] for name in fields]).certificates += item["n"]
    finals = LessonPage.objects.filter(final_assessment=True).values("translation_key")
    best = (QuizAttempt.objects.filter(enrollment__in=base_e, lesson_key__in=finals)
            .filter(_within(filters, "created_at"))
            .values("enrollment", **{f"g{i}": F(f"enrollment__{name}") for i, name in enumerate(e_fields)})
            .annotate(v=Max("score_percent")).order_by())
    for key, average in _over(best, aggregate="AVG(v)", group=tuple(by)).items():
        row(key).average_score = round(float(average), 1) if average is not None else None
    institutions = _over(_counted(base_e.filter(enrolled), "institution_id", e_fields),
                         _counted(base_r.filter(in_seminar_period), "institution_id", r_fields), group=tuple(by))
    for key, count in institutions.items():
        row(key).institutions = count


def monthly(scope: Scope, filters: Filters, *, live: bool = False) -> list[dict]:
    """Per calendar month: enrolments (by request), completions (by completion), seminar participants (by
    the seminar's start). From the stored months when they hold the period, scope and filters, unless `live`."""
    if not live:
        from metrics import snapshot

        stored = snapshot.stored_monthly(scope, filters)
        if stored is not None:
            return stored
    base_e, base_r = enrolments(scope, filters), registrations(scope, filters)
    months: dict[datetime.date, dict] = defaultdict(lambda: {"enrolments": 0, "completions": 0,
                                                              "participants": 0})

    def put(queryset, field_name: str, measure: str, count) -> None:
        for item in (queryset.annotate(m=TruncMonth(field_name)).values("m").annotate(n=count).order_by()):
            if item["m"] is not None:
                months[month_start(item["m"])][measure] = item["n"]

    put(base_e.filter(_within(filters, "requested_at")), "requested_at", "enrolments", Count("pk"))
    put(base_e.filter(Q(status=Enrollment.Status.COMPLETED) & _within(filters, "completed_at")), "completed_at",
        "completions", Count("pk"))
    put(base_r.filter(_within(filters, "offering__starts_at")), "offering__starts_at", "participants",
        Count("user", distinct=True))
    return [{"month": month, **values} for month, values in sorted(months.items())]



# --- Labels and targets ----------------------------------------------------------------------------------


def labels(by: str, keys) -> dict:
    """Display names for one group's keys (one query at most)."""
    keys = [key for key in keys if key is not None]
    if by == "country":
        from django_countries import countries

        return {key: str(countries.name(key)) or key for key in keys}
    if by == "institution":
        from accounts.models import Institution

        return {pk: str(item) for pk, item in Institution.objects.in_bulk(keys).items()}
    if by == "offering":
        from metrics.models import Offering

        return {str(key): title for key, title in Offering.objects.filter(key__in=keys).values_list("key", "title")}
    if by in ("line", "topic"):
        from crm.models import ActionPlanLine, Topic

        model = ActionPlanLine if by == "line" else Topic
        return {pk: item.name for pk, item in model.objects.in_bulk(keys).items()}
    if by == "gender":
        from accounts.models import User

        return {key: str(User.Gender(key).label) if key in User.Gender.values else key for key in keys}
    return {key: str(key) for key in keys}


# CountryTarget.measure → Row attribute
TARGET_MEASURES = {"officials_trained": "officials_trained", "completions": "completions",
                   "training_hours": "training_hours", "seminar_participants": "participants"}


def target_progress(scope: Scope, year: int) -> list[dict]:
    """The year's country targets within scope with what has been achieved so far (trainers see none)."""
    from metrics.models import CountryTarget

    if scope.offering_keys is not None:
        return []
    targets = CountryTarget.objects.filter(year=year).select_related("action_plan_line")
    if scope.country:
        targets = targets.filter(country=scope.country)
    targets = list(targets)
    if not targets:
        return []
    filters = Filters(start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31))
    totals = {row.key[0]: row for row in breakdown(scope, filters, ("country",))}
    per_line = ({row.key: row for row in breakdown(scope, filters, ("country", "line"))}
                if any(target.action_plan_line_id for target in targets) else {})
    progress = []
    for target in targets:
        code = str(target.country)
        row = per_line.get((code, target.action_plan_line_id)) if target.action_plan_line_id else totals.get(code)
        achieved = getattr(row, TARGET_MEASURES[target.measure]) if row else 0
        progress.append({"target": target, "country": code, "achieved": achieved,
                         "percent": min(100, round(100 * float(achieved) / target.target))})
    return sorted(progress, key=lambda item: (str(item["target"].country.name), item["target"].measure))
