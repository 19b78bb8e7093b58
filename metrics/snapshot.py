"""Figures computed ahead, so the dashboard reads them instead of counting 100,000 enrolments per request.

What is stored: for each standard period — all time, every calendar year, quarter and month from the first
year with data to the last (upcoming seminars included), and every pro-tempore presidency — the rows of
`selectors.breakdown` for the region, for each grouping in GROUPINGS. The groupings are those the dashboard,
its exports, the API, the report and the results page ask for with no filter other than one country (a focal
point's scope or the country filter) and one Action Plan line: the headline is grouping () or the filtered
dimensions, the country table with a line filter is ("country", "line"), and so on.

`stored_rows` answers a `breakdown` from stored figures when it can and returns None otherwise; the selectors then
compute live. Stored rows are computed by the same `breakdown(..., live=True)` as live ones, so the two differ
only by what changed since `computed_at`:

- `refresh_recent` (Celery beat, every REFRESH_MINUTES) recomputes all time and every period under way or
  ended within RECENT_DAYS — the periods the day's enrolments, completions, certificates, visits and attendance
  fall in;
- `refresh_all` (nightly, and `manage.py metrics_snapshot`) recomputes every period, including changes dated in
  the past (a late attendance import, a revoked certificate, an erased account) and registrations for seminars
  of periods still to come;
- figures older than MAX_AGE are never used (a stopped beat falls back to live counting, not to old numbers);
- `verify` recomputes stored periods live and lists every difference (`manage.py metrics_snapshot --verify`).
"""

import datetime
from dataclasses import dataclass, fields

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from metrics.selectors import Filters, Row, Scope, breakdown
from metrics.snapshot_models import SnapshotFigure, SnapshotPeriod

ORDER = ("country", "line", "topic", "institution")
GROUPINGS = (
    (), ("country",), ("line",), ("country", "line"),
    ("topic",), ("country", "topic"), ("line", "topic"), ("country", "line", "topic"),
    ("country", "institution"), ("country", "line", "institution"),
)
FULL = frozenset({(), ("country",), ("line",), ("country", "line")})  # groupings that are some headline
COLUMNS = {"country": "country", "line": "line_id", "topic": "topic_id", "institution": "institution_id"}
MEASURES = tuple(f.name for f in fields(Row) if f.name != "key")
FULL_ONLY = ("active_learners", "certificates", "institutions", "average_score")  # breakdown(full=True) only
REFRESH_MINUTES = 10
RECENT_DAYS = 7
MAX_AGE = datetime.timedelta(hours=26)
YEARS_AHEAD = 2
LOCK_KEY = "metrics-snapshot-refresh"


@dataclass(frozen=True)
class Period:
    kind: str  # all, year, quarter, month, term
    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def key(self) -> str:
        return period_key(self.start, self.end)


def period_key(start: datetime.date | None, end: datetime.date | None) -> str:
    return "all" if start is None and end is None else f"{start or ''}..{end or ''}"


def _month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _data_years(today: datetime.date) -> range:
    """The calendar years with any dated event, through this year and the year of the last seminar planned (at
    most YEARS_AHEAD from now)."""
    from django.db.models import Max, Min

    from enrolments.models import Enrollment
    from metrics.models import Offering

    first = Enrollment.objects.aggregate(first=Min("requested_at"))["first"]
    seminars = Offering.objects.filter(kind=Offering.Kind.SEMINAR).aggregate(first=Min("starts_at"),
                                                                            last=Max("starts_at"))
    firsts = [timezone.localtime(moment).year for moment in (first, seminars["first"]) if moment]
    last = timezone.localtime(seminars["last"]).year if seminars["last"] else today.year
    return range(min(firsts + [today.year]), min(max(last, today.year), today.year + YEARS_AHEAD) + 1)


def periods(today: datetime.date | None = None) -> list[Period]:
    """Every standard period: all time, years, quarters, months and presidency terms."""
    from crm.models import PresidencyTerm

    today = today or timezone.localdate()
    result = [Period("all")]
    years = _data_years(today)
    for year in years:
        result.append(Period("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
        for quarter in range(4):
            result.append(Period("quarter", datetime.date(year, 3 * quarter + 1, 1),
                                 _month_end(year, 3 * quarter + 3)))
        for month in range(1, 13):
            result.append(Period("month", datetime.date(year, month, 1), _month_end(year, month)))
    first = datetime.date(years[0], 1, 1)
    for term in PresidencyTerm.objects.filter(end_date__gte=first):
        period = Period("term", term.start_date, term.end_date)
        if period.key not in {p.key for p in result}:
            result.append(period)
    return result


def recent_periods(today: datetime.date | None = None) -> list[Period]:
    """All time and every period under way or ended within RECENT_DAYS (periods still to come change only by
    registrations for their seminars: those wait for the nightly refresh)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=RECENT_DAYS)
    return [period for period in periods(today)
            if period.end is None or (period.start <= today and period.end >= since)]


# --- Writing ---------------------------------------------------------------------------------------------


def _figure(grouping: tuple, row: Row) -> SnapshotFigure:
    figure = SnapshotFigure(grouping="+".join(grouping), **{name: getattr(row, name) for name in MEASURES})
    for name, value in zip(grouping, row.key, strict=True):
        setattr(figure, COLUMNS[name], "" if value is None and name == "country" else value)
    return figure


def compute(period: Period) -> list[SnapshotFigure]:
    """The region's rows of every grouping for one period, computed live."""
    filters, scope = Filters(start=period.start, end=period.end), Scope()
    return [_figure(grouping, row) for grouping in GROUPINGS
            for row in breakdown(scope, filters, grouping, full=grouping in FULL, live=True)]


def refresh(chosen: list[Period]) -> int:
    """Recompute and store the figures of each period (each in its own transaction). Returns the rows written."""
    written = 0
    for period in chosen:
        computed_at = timezone.now()
        figures = compute(period)
        with transaction.atomic():
            stored, _created = SnapshotPeriod.objects.update_or_create(
                key=period.key, defaults={"kind": period.kind, "start": period.start, "end": period.end,
                                          "computed_at": computed_at})
            stored.figures.all().delete()
            for figure in figures:
                figure.period = stored
            SnapshotFigure.objects.bulk_create(figures, batch_size=2_000)
        written += len(figures)
    return written


def _locked(work) -> int | None:
    """Run `work` unless another refresh is running (None then)."""
    if not cache.add(LOCK_KEY, 1, timeout=60 * 60):
        return None
    try:
        return work()
    finally:
        cache.delete(LOCK_KEY)


def refresh_recent() -> int | None:
    return _locked(lambda: refresh(recent_periods()))


def refresh_all() -> int | None:
    """Every standard period, and no stored period that is no longer one (a deleted presidency term)."""
    def work():
        chosen = periods()
        SnapshotPeriod.objects.exclude(key__in=[period.key for period in chosen]).delete()
        return refresh(chosen)

    return _locked(work)


def verify(chosen: list[Period] | None = None) -> list[str]:
    """Differences between stored figures and a live computation now, one line each (none: all agree)."""
    stored_periods = {period.key: period for period in SnapshotPeriod.objects.all()}
    differences = []
    for period in chosen if chosen is not None else periods():
        stored = stored_periods.get(period.key)
        if stored is None:
            differences.append(f"{period.key}: not stored")
            continue
        as_stored = {_identity(figure): figure for figure in stored.figures.all()}
        for figure in compute(period):
            old = as_stored.pop(_identity(figure), None)
            for name in MEASURES:
                if old is None or _comparable(getattr(old, name)) != _comparable(getattr(figure, name)):
                    differences.append(f"{period.key} {_identity(figure)} {name}: stored "
                                       f"{getattr(old, name) if old else 'nothing'}, now {getattr(figure, name)}")
                    if old is None:
                        break
        differences += [f"{period.key} {identity}: stored, no longer counted" for identity in as_stored]
    return differences


def _identity(figure: SnapshotFigure) -> tuple:
    return (figure.grouping, figure.country, figure.line_id, figure.topic_id, figure.institution_id)


def _comparable(value):
    return round(float(value), 2) if value is not None and not isinstance(value, int) else value


# --- Reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Question:
    """What `stored_rows` can look up for a scope and filters: the period and the fixed dimensions."""

    key: str
    country: str
    line: int | None

    def grouping(self, by: tuple) -> tuple | None:
        wanted = set(by) | ({"country"} if self.country else set()) | ({"line"} if self.line is not None else set())
        if not wanted <= set(ORDER):
            return None
        grouping = tuple(name for name in ORDER if name in wanted)
        return grouping if grouping in GROUPINGS else None

    def figures(self, grouping: tuple, periods_):
        queryset = SnapshotFigure.objects.filter(period__in=periods_, grouping="+".join(grouping))
        if self.country:
            queryset = queryset.filter(country=self.country)
        if self.line is not None:
            queryset = queryset.filter(line_id=self.line)
        return queryset


UNSTORED_FILTERS = ("country_status", "institution", "institution_type", "gender", "course", "topic", "modality",
                    "language", "network")


def _question(scope: Scope, filters: Filters) -> _Question | None:
    if scope.offering_keys is not None or any(getattr(filters, name) for name in UNSTORED_FILTERS):
        return None
    if len(filters.countries) > 1 or (scope.country and filters.countries and filters.countries[0] != scope.country):
        return None
    country = scope.country or (filters.countries[0] if filters.countries else "")
    return _Question(key=period_key(filters.start, filters.end), country=country, line=filters.line)


def _fresh_period(key: str) -> SnapshotPeriod | None:
    return SnapshotPeriod.objects.filter(key=key, computed_at__gte=timezone.now() - MAX_AGE).first()


def _row(figure: SnapshotFigure, by: tuple, full: bool) -> Row:
    key = tuple(getattr(figure, COLUMNS[name]) for name in by)
    return Row(key=key, **{name: getattr(figure, name) for name in MEASURES if full or name not in FULL_ONLY})


def stored_rows(scope: Scope, filters: Filters, by: tuple, *, full: bool = False) -> list[Row] | None:
    """`breakdown(scope, filters, by, full=full)` from stored figures, or None when they do not hold it."""
    question = _question(scope, filters)
    grouping = question.grouping(tuple(by)) if question else None
    if grouping is None or (full and grouping not in FULL):
        return None
    period = _fresh_period(question.key)
    if period is None:
        return None
    rows = [_row(figure, tuple(by), full) for figure in question.figures(grouping, [period])]
    if not full:  # a group known only by a headline measure (a visit, a certificate) is no row of a table
        rows = [row for row in rows if any(getattr(row, name) for name in MEASURES if name not in FULL_ONLY)]
    if not by and not rows:
        rows = [Row(key=())]
    return sorted(rows, key=lambda r: (-r.enrolments, -r.participants, [str(k) for k in r.key]))


def stored_monthly(scope: Scope, filters: Filters) -> list[dict] | None:
    """`monthly(scope, filters)` from the stored months, or None when they do not hold every month of the
    period."""
    question = _question(scope, filters)
    grouping = question.grouping(()) if question else None
    if grouping is None:
        return None
    if (filters.start and filters.start.day != 1) or (
            filters.end and (filters.end + datetime.timedelta(days=1)).day != 1):
        return None
    months = SnapshotPeriod.objects.filter(kind="month")
    if filters.start:
        months = months.filter(start__gte=filters.start)
    if filters.end:
        months = months.filter(end__lte=filters.end)
    months = list(months.order_by("start"))
    if not months or any(month.computed_at < timezone.now() - MAX_AGE for month in months):
        return None
    if filters.start and filters.end and len(months) != (
            (filters.end.year - filters.start.year) * 12 + filters.end.month - filters.start.month + 1):
        return None
    if (filters.start is None or filters.end is None) and _outside(months[0].start, months[-1].end):
        return None  # an event before the first stored month or after the last: those months are not stored
    starts = {month.pk: month.start for month in months}
    result = []
    for figure in question.figures(grouping, months).order_by("period__start"):
        if figure.enrolments or figure.completions or figure.participants:
            result.append({"month": starts[figure.period_id], "enrolments": figure.enrolments,
                           "completions": figure.completions, "participants": figure.participants})
    return result


def _outside(first: datetime.date, last: datetime.date) -> bool:
    """Whether an enrolment was requested before `first` or a seminar starts outside [first, last] (completions
    cannot be later than now, and `last` is at least the end of this year)."""
    from django.db.models import Q

    from enrolments.models import Enrollment
    from metrics.models import Offering

    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, zone)
    return (Offering.objects.filter(kind=Offering.Kind.SEMINAR).filter(Q(starts_at__lt=start) | Q(starts_at__gte=end))
            .exists() or Enrollment.objects.filter(requested_at__lt=start).exists())


def as_of(scope: Scope, filters: Filters) -> datetime.datetime | None:
    """When the figures the dashboard shows for this scope and filters were computed (None: computed now)."""
    question = _question(scope, filters)
    if question is None or question.grouping(()) is None:
        return None
    period = _fresh_period(question.key)
    return period.computed_at if period else None
