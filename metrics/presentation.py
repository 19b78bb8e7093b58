"""How metrics are shown: table rows with labels, the scope in words, chart drawings from computed figures,
and target progress kept for a few minutes. Used by the dashboard, its exports, the PDF report and the API;
figures themselves come from `metrics.selectors`."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from metrics import charts, selectors
from metrics.selectors import Filters, Scope

# --- Tables ----------------------------------------------------------------------------------------------

COLUMNS = [
    ("enrolments", gettext_lazy("Enrolments")),
    ("completions", gettext_lazy("Completions")),
    ("completion_rate", gettext_lazy("Completion rate (%)")),
    ("learners", gettext_lazy("Enrolled learners")),
    ("participants", gettext_lazy("Seminar participants")),
    ("officials_trained", gettext_lazy("Officials trained")),
    ("training_hours", gettext_lazy("Training hours")),
]
GROUP_TITLES = {
    "country": gettext_lazy("By country"),
    "institution": gettext_lazy("By institution"),
    "offering": gettext_lazy("By course or seminar"),
    "line": gettext_lazy("By Action Plan line"),
    "topic": gettext_lazy("By topic"),
}
GROUP_HEADINGS = {
    "country": gettext_lazy("Country"),
    "institution": gettext_lazy("Institution"),
    "offering": gettext_lazy("Course or seminar"),
    "line": gettext_lazy("Action Plan line"),
    "topic": gettext_lazy("Topic"),
}
TABLES = ("country", "line", "topic", "drilldown")


@dataclass
class TableRow:
    label: str
    key: object
    row: selectors.Row
    drill_url: str = ""

    def __getattr__(self, name):
        return getattr(self.row, name)


def drill_level(filters: Filters, scope: Scope) -> str:
    """Country → institution → course or seminar: the next level below what the filters already fix."""
    if filters.institution:
        return "offering"
    if filters.countries or scope.country:
        return "institution"
    return "country"


def table(scope: Scope, filters: Filters, name: str, request=None, computed: dict | None = None,
          ) -> tuple[str, list[TableRow]]:
    """(group, rows with labels) for one of TABLES (KeyError for any other name). `computed` keeps each group's
    rows for the request: the drill-down's first level is the country table, computed once."""
    group = drill_level(filters, scope) if name == "drilldown" else name
    if group not in GROUP_TITLES:
        raise KeyError(name)
    computed = {} if computed is None else computed
    if group not in computed:
        computed[group] = selectors.breakdown(scope, filters, (group,))
    rows = computed[group]
    names = selectors.labels(group, [row.key[0] for row in rows])
    result = []
    for row in rows:
        key = row.key[0]
        label = names.get(key) or (_("Not recorded") if key is None else str(key))
        url = ""
        if request is not None and name == "drilldown" and key is not None and group in ("country", "institution"):
            params = request.GET.copy()
            params[group] = key
            url = f"{request.path}?{params.urlencode()}#drilldown"
        result.append(TableRow(label=label, key=key, row=row, drill_url=url))
    return group, result


# --- Scope and targets ---------------------------------------------------------------------------------


TARGETS_CACHE_SECONDS = 300
TARGETS_VERSION_KEY = "metrics-targets-version"


def target_progress(scope: Scope, year: int) -> list[dict]:
    """Progress against the year's targets, recomputed at most every five minutes per scope (two region-wide
    breakdowns for the year, whatever the dashboard's filters)."""
    version = cache.get_or_set(TARGETS_VERSION_KEY, 0)  # bumped whenever a target changes (metrics.signals)
    key = "metrics-targets:" + hashlib.sha256(f"{version}|{get_language()}|{year}|{scope}".encode()).hexdigest()
    progress = cache.get(key)
    if progress is None:
        progress = selectors.target_progress(scope, year)
        cache.set(key, progress, TARGETS_CACHE_SECONDS)
    return progress


def scope_name(scope: Scope) -> str:
    if scope.country:
        return _("%(country)s only") % {"country": selectors.labels("country", [scope.country])[scope.country]}
    if scope.offering_keys is not None:
        return _("Your courses and seminars")
    return _("The region")


# --- Charts ----------------------------------------------------------------------------------------------


def chart_svg(name: str, scope: Scope, filters: Filters) -> str:
    """A dashboard chart for a scope and filters (its figures computed here)."""
    if name == "country":
        return country_chart(table(scope, filters, "country")[1])
    return trend_chart(selectors.monthly(scope, filters))


def country_chart(rows: list[TableRow]) -> str:
    """Officials trained per country, largest first, from the rows of the country table."""
    rows = sorted((row for row in rows if row.key is not None), key=lambda row: -row.officials_trained)
    return charts.bar_chart([row.label for row in rows], [row.officials_trained for row in rows],
                            title=_("Officials trained by country"), value_label=_("Officials trained"))


def trend_chart(trend: list[dict]) -> str:
    """The monthly trend from `selectors.monthly`'s rows."""
    return charts.trend_chart(
        [item["month"].strftime("%Y-%m") for item in trend],
        [(_("Enrolments"), [item["enrolments"] for item in trend]),
         (_("Completions"), [item["completions"] for item in trend]),
         (_("Seminar participants"), [item["participants"] for item in trend])],
        title=_("Month by month"))
