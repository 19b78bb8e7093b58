"""Public figures for the results page: the region's measures from `metrics.selectors`, protected so that no
official can be singled out, and cached for an hour.

Suppression rules (statistical disclosure control):

- A count from 1 to 4 (officials trained, completions, seminar participants) is published as "<5".
- 0 is published as 0: "nobody from this country" tells nothing about any official, while hiding zeros would
  also hide which countries took part at all. Only 1-4 can point at a handful of identifiable people.
- Training hours are published only where at least 5 officials were trained (in the row, or in the region for
  the headline): hours of a smaller group are shown as "x". Zero hours are shown.
- Totals leak hidden cells by subtraction: the headline figures are the region's totals, so for each column a
  visitor knows total - (published cells) = (sum of hidden cells). Each column is therefore checked as an
  attacker would: every "<5" cell lies in 1..4, every other hidden cell in 5..(the smallest published cell),
  and the hidden cells add up to the total. While some "<5" cell's possible range shrinks to a single value,
  the smallest published non-zero cell is hidden too ("x", complementary suppression); for hours, which have no
  known range, two hidden cells are enough. If hiding every non-zero cell still does not protect the column
  (tiny totals, e.g. 1 and 5 officials in two countries), the column is left out of that table altogether.
  The check is made against both the headline total and the column's own sum (they differ when officials are
  counted in two countries, or courses have several topics).
- Tables have no total row (the headline already gives the totals) and are sorted by name, never by size, so
  the order of rows says nothing about hidden values.
- No names, e-mail addresses or institutions are ever read for this page: institutions per country could
  single people out, so only the region's number of institutions is published.

The protected figures carry no hidden value at all (a hidden cell holds None), so no template can leak one.
They depend only on the period, so they are cached per period and shared by the three language versions; labels
(country and topic names) are added per request in the visitor's language.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrics import selectors
from metrics.selectors import Filters, Scope

THRESHOLD = 5
CACHE_SECONDS = 60 * 60
CACHE_VERSION = 1

# Cell status
SHOWN = "shown"
SMALL = "small"  # a count from 1 to THRESHOLD - 1 ("<5"), or hours of fewer than THRESHOLD officials ("x")
HIDDEN = "hidden"  # complementary suppression ("x")

# Public measure → attribute of selectors.Row, and its column label.
MEASURES = {
    "officials_trained": ("officials_trained", gettext_lazy("Officials trained")),
    "completions": ("completions", gettext_lazy("Courses completed")),
    "participants": ("participants", gettext_lazy("Seminar participants")),
    "training_hours": ("training_hours", gettext_lazy("Training hours")),
}
TABLE_GROUPS = ("country", "topic")


def suppressed(value, threshold: int = THRESHOLD):
    """A count as it may be published: from 1 to threshold - 1 it becomes "<threshold"; 0 and larger counts are
    published as they are."""
    if 0 < value < threshold:
        return f"<{threshold}"
    return value


@dataclass(frozen=True)
class Cell:
    """One published figure. `value` is None whenever the figure is not published."""

    value: int | Decimal | None
    marker: str = ""  # "<5" or "x" when not published

    @property
    def shown(self) -> bool:
        return not self.marker


@dataclass(frozen=True)
class PublicRow:
    key: object  # country code, topic id, or None (not recorded / no topic)
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class PublicTable:
    group: str
    measures: tuple[str, ...]  # the published columns, in MEASURES order
    withheld: tuple[str, ...]  # columns left out because no suppression pattern protects them
    rows: tuple[PublicRow, ...]


@dataclass(frozen=True)
class PublicFigures:
    start: datetime.date | None
    end: datetime.date | None
    computed_at: datetime.datetime
    headline: dict  # measure name → Cell; plus "countries" and "institutions"
    tables: dict  # group → PublicTable


# --- Suppression -----------------------------------------------------------------------------------------


def _derivable(values: Sequence, statuses: Sequence[str], total, *, continuous: bool, threshold: int) -> bool:
    """Whether a visitor who knows `total` can pin down some SMALL cell exactly."""
    hidden = [i for i, status in enumerate(statuses) if status != SHOWN]
    if not any(statuses[i] == SMALL for i in hidden):
        return False
    if continuous:  # no known range: only a lone hidden cell is exposed (total minus the rest)
        return len(hidden) == 1
    shown = [value for value, status in zip(values, statuses, strict=True) if status == SHOWN]
    rest = total - sum(shown)
    # Complementary cells are chosen smallest first, so each is at most the smallest published non-zero cell.
    ceiling = min([rest, *(value for value in shown if value > 0)])
    bounds = {i: (1, threshold - 1) if statuses[i] == SMALL else (threshold, ceiling) for i in hidden}
    if any(low > high for low, high in bounds.values()):
        return False  # this total does not describe the column (e.g. overlapping topics): nothing follows from it
    lows, highs = sum(low for low, _high in bounds.values()), sum(high for _low, high in bounds.values())
    for i in hidden:
        if statuses[i] != SMALL:
            continue
        low, high = bounds[i]
        least, most = max(low, rest - (highs - high)), min(high, rest - (lows - low))
        if least == most:
            return True
    return False


def protect(values: Sequence, small: Sequence[bool], *, totals: Iterable, continuous: bool = False,
            threshold: int = THRESHOLD) -> list[str] | None:
    """Statuses (SHOWN, SMALL, HIDDEN) for one column whose cells marked `small` must not be published, such that
    none of them can be worked out from any of `totals`; None when no choice of cells achieves that."""
    statuses = [SMALL if is_small else SHOWN for is_small in small]
    totals = list(totals)
    while any(_derivable(values, statuses, total, continuous=continuous, threshold=threshold) for total in totals):
        candidates = [i for i, status in enumerate(statuses) if status == SHOWN and values[i] > 0]
        if not candidates:
            return None
        statuses[min(candidates, key=lambda i: (values[i], i))] = HIDDEN
    return statuses


def _small(measure: str, value, people: int) -> bool:
    if measure == "training_hours":
        return value > 0 and people < THRESHOLD
    return 0 < value < THRESHOLD


def _cell(measure: str, value, status: str) -> Cell:
    if status == SHOWN:
        return Cell(value=value)
    if status == SMALL and measure != "training_hours":
        return Cell(value=None, marker=suppressed(value))
    return Cell(value=None, marker="x")


def public_table(rows: Sequence[selectors.Row], headline: dict, group: str) -> PublicTable:
    """One protected table from `selectors.breakdown` rows (one group) and the unprotected headline."""
    rows = [row for row in rows if any(getattr(row, attribute) for attribute, _label in MEASURES.values())]
    columns, withheld = {}, []
    for measure, (attribute, _label) in MEASURES.items():
        values = [getattr(row, attribute) for row in rows]
        small = [_small(measure, value, row.officials_trained) for value, row in zip(values, rows, strict=True)]
        statuses = protect(values, small, totals=(headline[measure], sum(values)),
                           continuous=measure == "training_hours")
        if statuses is None:
            withheld.append(measure)
        else:
            columns[measure] = [_cell(measure, value, status) for value, status in zip(values, statuses, strict=True)]
    return PublicTable(
        group=group, measures=tuple(columns), withheld=tuple(withheld),
        rows=tuple(PublicRow(key=row.key[0], cells=tuple(cells[i] for cells in columns.values()))
                   for i, row in enumerate(rows)))


def _headline_cells(headline: dict) -> dict:
    cells = {}
    for measure in MEASURES:
        value = headline[measure]
        status = SMALL if _small(measure, value, headline["officials_trained"]) else SHOWN
        cells[measure] = _cell(measure, value, status)
    return cells


# --- Figures ---------------------------------------------------------------------------------------------


def build_public_figures(*, start: datetime.date | None, end: datetime.date | None) -> PublicFigures:
    """The region's protected figures for a period (no cache)."""
    scope, filters = Scope(), Filters(start=start, end=end)
    figures = selectors.headline(scope, filters)
    totals = {
        "officials_trained": figures["officials_trained"], "completions": figures["completions"],
        "participants": figures["seminar_participants"], "training_hours": figures["training_hours"],
    }
    rows = {group: selectors.breakdown(scope, filters, (group,)) for group in TABLE_GROUPS}
    tables = {group: public_table(rows[group], totals, group) for group in TABLE_GROUPS}
    headline = _headline_cells(totals)
    # Countries and institutions, not people: published as they are. Both count those of the officials enrolled
    # or registered in the period (the selectors' definition of institutions reached).
    headline["countries"] = Cell(value=sum(1 for row in rows["country"]
                                           if row.key[0] is not None and (row.enrolments or row.participants)))
    headline["institutions"] = Cell(value=figures["institutions"])
    return PublicFigures(start=start, end=end, computed_at=timezone.now(), headline=headline, tables=tables)


def public_figures(*, start: datetime.date | None, end: datetime.date | None) -> PublicFigures:
    """`build_public_figures`, computed at most once an hour per period."""
    key = f"metrics:public:{CACHE_VERSION}:{start or '-'}:{end or '-'}"
    figures = cache.get(key)
    if figures is None:
        figures = build_public_figures(start=start, end=end)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


# --- Page context ----------------------------------------------------------------------------------------

HEADLINE = [
    ("officials_trained", gettext_lazy("Officials trained")),
    ("completions", gettext_lazy("Courses completed")),
    ("training_hours", gettext_lazy("Training hours")),
    ("participants", gettext_lazy("Seminar participants")),
    ("countries", gettext_lazy("Countries reached")),
    ("institutions", gettext_lazy("Institutions reached")),
]
TABLE_TEXT = {
    "country": (gettext_lazy("By country"), gettext_lazy("Country"),
                gettext_lazy("Officials trained, courses completed, seminar participants and training hours by "
                             "country of the official"),
                gettext_lazy("Not recorded")),
    "topic": (gettext_lazy("By topic"), gettext_lazy("Topic"),
              gettext_lazy("Officials trained, courses completed, seminar participants and training hours by topic "
                           "of the course or seminar"),
              gettext_lazy("No topic")),
}


def period_label(page, start: datetime.date | None, end: datetime.date | None) -> str:
    if start is None and end is None:
        return _("All time")
    dates = {"start": date_format(start, "DATE_FORMAT"), "end": date_format(end, "DATE_FORMAT")}
    if page.period == page.Period.TERM and page.term is not None:
        return _("Pro-tempore presidency %(number)s, %(country)s (%(start)s – %(end)s)") % {
            "number": page.term.roman, "country": page.term.country.name, **dates}
    if page.period == page.Period.CURRENT_YEAR:
        return _("Year %(year)s") % {"year": start.year}
    return _("Last 12 months (%(start)s – %(end)s)") % dates


def results_context(page) -> dict:
    """What the results page template shows, labelled in the active language."""
    start, end = page.period_bounds()
    figures = public_figures(start=start, end=end)
    tables = []
    for group in TABLE_GROUPS:
        table = figures.tables[group]
        title, heading, caption, missing = TABLE_TEXT[group]
        names = selectors.labels(group, [row.key for row in table.rows])
        rows = sorted(({"label": names.get(row.key) or (missing if row.key is None else str(row.key)),
                        "cells": row.cells, "missing": row.key is None} for row in table.rows),
                      key=lambda row: (row["missing"], str(row["label"]).casefold()))
        tables.append({
            "id": group, "title": title, "heading": heading, "caption": caption, "rows": rows,
            "columns": [MEASURES[measure][1] for measure in table.measures],
            "withheld": [MEASURES[measure][1] for measure in table.withheld],
        })
    return {
        "period": period_label(page, start, end),
        "computed_at": figures.computed_at,
        "headline": [{"id": name, "label": label, "cell": figures.headline[name]} for name, label in HEADLINE],
        "tables": tables,
        "threshold": THRESHOLD,
        "largest_small": THRESHOLD - 1,
    }


# --- Demo content ----------------------------------------------------------------------------------------

PAGE_CONTENT = {
    "es": ("resultados", "Resultados",
           "<p>Cifras de la capacitación y los seminarios de la Conferencia Regional sobre Migración en la región: "
           "funcionarias y funcionarios capacitados, cursos completados, horas de formación y participación en "
           "seminarios, por país y por tema.</p>"),
    "en": ("results", "Results",
           "<p>Figures of the Regional Conference on Migration's training and seminars across the region: officials "
           "trained, courses completed, training hours and seminar participation, by country and by topic.</p>"),
    "fr": ("resultats", "Résultats",
           "<p>Les chiffres des formations et des séminaires de la Conférence régionale sur les migrations dans la "
           "région : fonctionnaires formés, cours terminés, heures de formation et participation aux séminaires, "
           "par pays et par thème.</p>"),
}


def results_page_ensure():
    """The Spanish results page under the Spanish home page, published, with English and French translations under
    their home pages; creates only what is missing (existing pages are left as editors made them)."""
    from wagtail.models import Locale

    from home.models import HomePage
    from metrics.pages import ResultsPage

    home = HomePage.objects.get(locale__language_code="es")
    page = ResultsPage.objects.child_of(home).first()
    if page is None:
        slug, title, intro = PAGE_CONTENT["es"]
        page = home.add_child(instance=ResultsPage(title=title, slug=slug, intro=intro))
        page.save_revision().publish()
    for code in ("en", "fr"):
        locale = Locale.objects.filter(language_code=code).first()
        if locale is None or home.get_translation_or_none(locale) is None:
            continue  # no home page in that language to put it under
        if page.get_translation_or_none(locale) is None:
            copy = page.copy_for_translation(locale)
            copy.slug, copy.title, copy.intro = PAGE_CONTENT[code]
            copy.save_revision().publish()
    return ResultsPage.objects.get(pk=page.pk)
