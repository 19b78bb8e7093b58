"""Stored figures (metrics.snapshot): what the dashboard reads instead of counting live must be what a live count
gives, for every stored period, scope and filter it answers, and must follow the data when it is refreshed."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enrolments.models import Enrollment
from metrics import selectors, snapshot
from metrics.models import SnapshotFigure, SnapshotPeriod
from metrics.selectors import Filters, Scope
from tests.factories import UserFactory
from tests.metrics.conftest import enrol

pytestmark = pytest.mark.django_db


def periods_2025() -> list[snapshot.Period]:
    """All time and every period of 2025 (the dataset's year)."""
    return [period for period in snapshot.periods() if period.start is None or period.start.year == 2025]


def live_and_stored(call):
    """(live result, stored result, queries the stored one took)."""
    live = call(live=True)
    with CaptureQueriesContext(connection) as queries:
        stored = call(live=False)
    return live, stored, len(queries)


def as_dicts(rows):
    return [(row.key, {name: getattr(row, name) for name in snapshot.MEASURES}) for row in rows]


def test_stored_figures_answer_exactly_like_a_live_count(dataset, focal_point_mx):
    snapshot.refresh(periods_2025())
    mx = Scope.for_user(focal_point_mx)
    training = dataset.lines["training"]
    questions = []
    for start, end in [(None, None), (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
                       (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)),
                       (datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))]:
        for countries in [(), ("GT",), ("MX",)]:
            for line in (None, training):
                questions.append((Scope(), Filters(start=start, end=end, countries=countries, line=line)))
        questions.append((mx, Filters(start=start, end=end)))
        questions.append((mx, Filters(start=start, end=end, line=training)))
    answered = 0
    for scope, filters in questions:
        live, stored, queries = live_and_stored(lambda live, s=scope, f=filters: selectors.headline(s, f, live=live))
        assert stored == live, (scope, filters)
        assert queries == 2, (scope, filters)  # the period, then its one row: read, not counted
        answered += 1
        for by in [("country",), ("line",), ("topic",)] + ([("institution",)] if filters.countries else []):
            live, stored, queries = live_and_stored(
                lambda live, s=scope, f=filters, by=by: selectors.breakdown(s, f, by, live=live))
            assert as_dicts(stored) == as_dicts(live), (scope, filters, by)
            assert queries == 2, (scope, filters, by)
    assert answered == len(questions)
    # A focal point reads their own country's rows only, like a live count.
    assert [row.key for row in selectors.breakdown(mx, Filters(), ("country",))] == [("MX",)]
    assert selectors.headline(mx, Filters())["enrolments"] == 1  # B's enrolment, made from Mexico


def test_the_monthly_trend_is_read_from_stored_months(dataset):
    snapshot.refresh(periods_2025())
    for filters in (Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)),
                    Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 6, 30), countries=("GT",)),
                    Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31),
                            line=dataset.lines["training"])):
        live, stored, queries = live_and_stored(lambda live, f=filters: selectors.monthly(Scope(), f, live=live))
        assert stored == live
        assert live and queries == 2
    assert [item["month"] for item in selectors.monthly(Scope(), Filters(start=datetime.date(2025, 1, 1),
                                                                         end=datetime.date(2025, 12, 31)))] == [
        datetime.date(2025, month, 1) for month in (1, 2, 3, 4)]
    # A range that does not start on the first of a month, or runs past the stored months (the dataset's second
    # seminar is in 2099), is counted live.
    assert snapshot.stored_monthly(Scope(), Filters(start=datetime.date(2025, 1, 5),
                                                    end=datetime.date(2025, 12, 31))) is None
    assert snapshot.stored_monthly(Scope(), Filters()) is None


def test_what_is_not_stored_is_counted_live(dataset, trainer):
    snapshot.refresh(periods_2025())
    year = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 12, 31)}
    for scope, filters, by in [
        (Scope(), Filters(**year, gender="female"), ()),
        (Scope(), Filters(**year, topic=dataset.topics["trafficking-in-persons"]), ()),
        (Scope(), Filters(**year, countries=("GT", "MX")), ()),
        (Scope(), Filters(**year), ("institution",)),  # institutions only below a country
        (Scope(), Filters(**year), ("offering",)),
        (Scope(), Filters(start=datetime.date(2025, 1, 5), end=datetime.date(2025, 2, 3)), ()),  # custom range
        (Scope.for_user(trainer), Filters(**year), ()),
        (Scope(country="MX"), Filters(**year, countries=("GT",)), ()),
    ]:
        assert snapshot.stored_rows(scope, filters, by) is None, (scope, filters, by)
        assert selectors.breakdown(scope, filters, by) == selectors.breakdown(scope, filters, by, live=True)
    # Figures older than MAX_AGE are never shown.
    SnapshotPeriod.objects.update(computed_at=timezone.now() - snapshot.MAX_AGE - datetime.timedelta(minutes=1))
    assert snapshot.stored_rows(Scope(), Filters(**year), ()) is None
    assert snapshot.as_of(Scope(), Filters(**year)) is None


def test_figures_follow_the_data_when_refreshed(dataset):
    chosen = periods_2025() + [period for period in snapshot.recent_periods() if period.start]
    snapshot.refresh(chosen)
    assert snapshot.verify(chosen) == []
    before = selectors.headline(Scope(), Filters())
    official = UserFactory(role="Learner", country="PA")
    enrol(official, dataset.c2, status="active", requested=timezone.now(), country="PA",
          institution=dataset.hn_interior, gender="female")
    # Until the next refresh the dashboard shows the stored figures, dated; verify lists what changed.
    assert selectors.headline(Scope(), Filters()) == before
    assert selectors.headline(Scope(), Filters(), live=True)["enrolments"] == before["enrolments"] + 1
    differences = snapshot.verify(chosen)
    assert "all ('', '', None, None, None) enrolments: stored 5, now 6" in differences
    assert snapshot.refresh_recent() > 0  # all time and this month, quarter and year, not 2025
    assert selectors.headline(Scope(), Filters())["enrolments"] == before["enrolments"] + 1
    this_year = Filters(start=datetime.date(timezone.localdate().year, 1, 1),
                        end=datetime.date(timezone.localdate().year, 12, 31))
    assert selectors.breakdown(Scope(), this_year, ("country",))[0].key == ("PA",)
    assert snapshot.verify(chosen) == []
    # A change dated in the past waits for the nightly refresh of every period.
    Enrollment.objects.filter(user=dataset.users.d).update(
        status=Enrollment.Status.COMPLETED, completed_at=datetime.datetime(2025, 5, 2, 12, tzinfo=datetime.UTC))
    assert "2025-05-01..2025-05-31 ('', '', None, None, None) completions: stored 0, now 1" in snapshot.verify(chosen)
    snapshot.refresh(chosen)
    assert snapshot.verify(chosen) == []


def test_refresh_runs_one_at_a_time_and_drops_periods_that_no_longer_exist(dataset, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(snapshot, "periods", lambda today=None: [
        snapshot.Period("all"), snapshot.Period("year", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))])
    SnapshotPeriod.objects.create(key="2020-01-01..2020-06-30", kind="term", start=datetime.date(2020, 1, 1),
                                  end=datetime.date(2020, 6, 30), computed_at=timezone.now())
    cache.add(snapshot.LOCK_KEY, 1)
    assert snapshot.refresh_all() is None
    with pytest.raises(CommandError, match="Another refresh"):
        call_command("metrics_snapshot")
    cache.delete(snapshot.LOCK_KEY)
    call_command("metrics_snapshot")
    assert sorted(SnapshotPeriod.objects.values_list("key", flat=True)) == ["2025-01-01..2025-12-31", "all"]
    assert SnapshotFigure.objects.filter(period__key="all", grouping="").get().enrolments == 5
    call_command("metrics_snapshot", "--verify")
    SnapshotFigure.objects.filter(period__key="all", grouping="").update(enrolments=99)
    with pytest.raises(CommandError, match="1 stored figures differ"):
        call_command("metrics_snapshot", "--verify")
