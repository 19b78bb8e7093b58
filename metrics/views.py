"""The "Capacity metrics" dashboard in the Wagtail admin, its table exports and its charts.

Views only read the query string through `MetricsFilterForm` and the viewer's `Scope`; all figures come from
`metrics.selectors`. The page itself runs a fixed number of queries; charts are separate SVG responses (cached
briefly per scope and filters) so the figures show at once.
"""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from metrics import selectors, snapshot
from metrics.forms import MetricsFilterForm
from metrics.presentation import (
    COLUMNS,
    GROUP_HEADINGS,
    GROUP_TITLES,
    TABLES,
    chart_svg,
    scope_name,
    table,
    target_progress,
)
from metrics.selectors import Filters, Scope

CHART_CACHE_SECONDS = 300


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _filters(request, scope: Scope) -> tuple[MetricsFilterForm, Filters, bool]:
    """The form, the filters to use and whether the query string was valid (if not: no filter at all and the
    form shows what is wrong)."""
    form = MetricsFilterForm(request.GET or None, scope=scope)
    if not request.GET or not form.is_valid():
        return form, Filters(), not form.is_bound or form.is_valid()
    return form, form.filters(), True


# --- Dashboard -------------------------------------------------------------------------------------------


def dashboard(request):
    scope = _scope(request)
    form, filters, valid = _filters(request, scope)
    figures = selectors.headline(scope, filters)
    tables, computed = {}, {}
    for name in TABLES:
        group, rows = table(scope, filters, name, request, computed)
        tables[name] = {"group": group, "title": GROUP_TITLES[group], "heading": GROUP_HEADINGS[group],
                        "rows": rows, "export": _export_urls(request, name)}
    trend = selectors.monthly(scope, filters)
    year = filters.start.year if filters.start else timezone.localdate().year
    query = request.GET.urlencode()
    return render(request, "metrics/dashboard.html", {
        "form": form, "valid": valid, "scope": scope, "scope_name": scope_name(scope), "figures": figures,
        "tables": tables, "trend": trend, "as_of": snapshot.as_of(scope, filters),
        "columns": COLUMNS, "targets": target_progress(scope, year), "target_year": year,
        "country_chart_url": f"{reverse('metrics:chart', args=['country'])}?{query}",
        "trend_chart_url": f"{reverse('metrics:chart', args=['trend'])}?{query}",
        "trend_export": _export_urls(request, "monthly"),
    })


def _export_urls(request, name: str) -> dict:
    query = request.GET.copy()
    urls = {}
    for export_format in ("csv", "xlsx"):
        query["export"] = export_format
        urls[export_format] = f"{reverse('metrics:export', args=[name])}?{query.urlencode()}"
    return urls


# --- Exports ---------------------------------------------------------------------------------------------


def _csv_safe(value: str) -> str:
    """Text a spreadsheet would run as a formula (an institution named "=HYPERLINK(...)") is quoted."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class TableExportView(SpreadsheetExportMixin, View):
    """One dashboard table as CSV or XLSX (Wagtail's spreadsheet export), for the same scope and filters."""

    custom_value_preprocess = {**SpreadsheetExportMixin.custom_value_preprocess,
                               str: {SpreadsheetExportMixin.FORMAT_CSV: _csv_safe}}

    def get(self, request, name: str):
        scope = _scope(request)
        form, filters, valid = _filters(request, scope)
        if not valid:
            return HttpResponse("\n".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()),
                                status=400, content_type="text/plain; charset=utf-8")
        export_format = request.GET.get("export")
        if export_format not in self.FORMATS:
            return HttpResponse(_("Choose the csv or xlsx format."), status=400,
                                content_type="text/plain; charset=utf-8")
        if name == "monthly":
            rows = selectors.monthly(scope, filters)
            self.list_export = ["month", "enrolments", "completions", "participants"]
            self.export_headings = {"month": _("Month"), "enrolments": _("Enrolments"),
                                    "completions": _("Completions"), "participants": _("Seminar participants")}
            items = [{**item, "month": item["month"].strftime("%Y-%m")} for item in rows]
            items = [_Item(item) for item in items]
        elif name in TABLES:
            group, rows = table(scope, filters, name)
            self.list_export = ["label", *[column for column, _label in COLUMNS]]
            # Translated now: the CSV streams after the view has returned, outside the admin's language.
            self.export_headings = {"label": capfirst(str(GROUP_HEADINGS[group])), **{k: str(v) for k, v in COLUMNS}}
            items = rows
        else:
            raise Http404
        self.export_filename = f"campus-crm-metrics-{name}-{timezone.localdate():%Y%m%d}"
        return self.as_spreadsheet(items, export_format)


class _Item:
    def __init__(self, values: dict):
        self.__dict__.update(values)


# --- Charts ----------------------------------------------------------------------------------------------


def chart(request, name: str):
    """A chart as SVG, for the same scope and filters as the dashboard."""
    if name not in ("country", "trend"):
        raise Http404
    scope = _scope(request)
    _form, filters, _valid = _filters(request, scope)
    key = "metrics-chart:" + hashlib.sha256(
        f"{name}|{get_language()}|{scope}|{filters}".encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = chart_svg(name, scope, filters)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- PDF reports -----------------------------------------------------------------------------------------


def _report(request, pk: int):
    from metrics.report import reports_for

    report = reports_for(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def report_list(request):
    """Request a report for the dashboard's current filters (POST), or list one's reports (GET)."""
    from metrics.report import report_request, reports_for

    _scope(request)
    if request.method == "POST":
        language = request.POST.get("language", "")
        if language not in dict(settings.LANGUAGES):
            messages.error(request, _("Choose the report's language."))
            return redirect(f"{reverse('metrics:dashboard')}?{request.POST.get('query', '')}")
        try:
            report = report_request(user=request.user, query=request.POST.get("query", ""), language=language)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(f"{reverse('metrics:dashboard')}?{request.POST.get('query', '')}")
        return redirect("metrics:report", pk=report.pk)
    return render(request, "metrics/report/list.html", {"reports": reports_for(request.user)[:50]})


def report_detail(request, pk: int):
    _scope(request)
    return render(request, "metrics/report/detail.html", {"report": _report(request, pk)})


def report_status(request, pk: int):
    _scope(request)
    report = _report(request, pk)
    done = report.status == report.Status.DONE
    return JsonResponse({"status": report.status, "processed": int(done), "total": 1, "message": report.message,
                         "has_result": bool(done and report.pdf)})


def report_download(request, pk: int):
    _scope(request)
    report = _report(request, pk)
    if report.status != report.Status.DONE or not report.pdf:
        raise Http404
    return FileResponse(report.pdf.open("rb"), as_attachment=True, content_type="application/pdf",
                        filename=f"campus-crm-report-{report.pk}-{report.created_at:%Y%m%d}.pdf")
