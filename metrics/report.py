"""The report for the Vice-Ministers' meeting: a PDF of a period's figures, per region or per country, in the
requester's choice of es/en/fr, rendered by a Celery task with WeasyPrint."""

import base64
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.queue import enqueue, enqueue_on_commit
from metrics import selectors
from metrics.forms import MetricsFilterForm
from metrics.presentation import COLUMNS, GROUP_HEADINGS, country_chart, scope_name, table, trend_chart
from metrics.report_models import MetricsReport
from metrics.selectors import Scope

REQUEUE_AFTER = timedelta(minutes=5)
GIVE_UP_AFTER = timedelta(days=1)


def _form(user, query: str) -> tuple[Scope, MetricsFilterForm]:
    scope = Scope.for_user(user)
    if scope is None:
        raise PermissionDenied
    form = MetricsFilterForm(QueryDict(query), scope=scope)
    return scope, form


def report_request(*, user, query: str, language: str) -> MetricsReport:
    """Check the filters now (the requester sees any error at once), then queue the rendering."""
    scope, form = _form(user, query)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}"
                               for name, errors in form.errors.items()])
    with translation.override(language):
        description = describe(scope, form)
    report = MetricsReport.objects.create(requested_by=user, query=query, language=language,
                                          description=description[:300])
    from metrics.tasks import metrics_report_render

    enqueue_on_commit(metrics_report_render, report.pk)  # broker down: the sweep queues it again
    return report


def describe(scope: Scope, form: MetricsFilterForm) -> str:
    """"Region · 2026" or "Mexico · 1 Jan 2026 – 31 Mar 2026 · Topic: …" in the active language."""
    parts = [scope_name(scope)]
    start, end = form.period_bounds()
    if start or end:
        parts.append(f"{start:%Y-%m-%d} – {end:%Y-%m-%d}")
    for name in ("country", "country_status", "institution", "institution_type", "gender", "course", "line",
                 "topic", "modality", "language", "network"):
        value = form.cleaned_data.get(name)
        if value not in (None, ""):
            field = form.fields[name]
            shown = dict(field.choices).get(value, value) if hasattr(field, "choices") and not hasattr(
                value, "pk") else value
            parts.append(f"{field.label}: {shown}")
    return " · ".join(str(part) for part in parts)


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def report_html(report: MetricsReport) -> str:
    """The report's HTML in its language, for the requester's current scope."""
    scope, form = _form(report.requested_by, report.query)
    if not form.is_valid():
        raise ValidationError(_("The filters of this report are no longer valid."))
    filters = form.filters()
    with translation.override(report.language):
        tables = []
        for name in ("country", "line", "topic"):
            group, rows = table(scope, filters, name)
            tables.append({"heading": GROUP_HEADINGS[group], "rows": rows})
        trend = selectors.monthly(scope, filters)
        year = filters.start.year if filters.start else timezone.localdate().year
        return render_to_string("metrics/report/report.html", {
            "report": report, "description": describe(scope, form), "figures": selectors.headline(scope, filters),
            "tables": tables, "columns": COLUMNS, "trend": trend,
            "targets": selectors.target_progress(scope, year), "target_year": year,
            # the charts draw the figures already computed for the tables above
            "country_chart": _svg_uri(country_chart(tables[0]["rows"])),
            "trend_chart": _svg_uri(trend_chart(trend)),
            "generated_at": timezone.localtime(),
        })


def report_render(*, report_id: int) -> MetricsReport | None:
    """Render and store one queued report (nothing happens when it is already done: safe to run twice)."""
    from weasyprint import HTML

    from certificates.pdf import _weasy

    with transaction.atomic():
        report = MetricsReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == MetricsReport.Status.DONE:
            return report
        report.status = MetricsReport.Status.RUNNING
        report.save(update_fields=["status"])
    try:
        html = report_html(report)
        fonts, _stylesheet = _weasy()
        pdf = HTML(string=html, base_url=".").write_pdf(font_config=fonts)
    except (PermissionDenied, ValidationError) as error:
        message = _("You may no longer see these figures.") if isinstance(error, PermissionDenied) else \
            " ".join(error.messages)
        MetricsReport.objects.filter(pk=report.pk).update(status=MetricsReport.Status.FAILED, message=message,
                                                          finished_at=timezone.now())
        return report
    name = f"metrics-reports/{report.pk}-{timezone.now():%Y%m%d%H%M%S}.pdf"
    with transaction.atomic():
        report = MetricsReport.objects.select_for_update().get(pk=report.pk)
        if report.status == MetricsReport.Status.DONE:  # another delivery finished first
            return report
        report.pdf.save(name, ContentFile(pdf), save=False)
        report.status, report.finished_at, report.message = MetricsReport.Status.DONE, timezone.now(), ""
        report.save(update_fields=["pdf", "status", "finished_at", "message"])
    return report


def report_sweep() -> int:
    """Periodic: queue again reports left waiting (broker down when requested, worker lost mid-way)."""
    now = timezone.now()
    unfinished = MetricsReport.objects.filter(status__in=(MetricsReport.Status.QUEUED, MetricsReport.Status.RUNNING))
    unfinished.filter(created_at__lt=now - GIVE_UP_AFTER).update(
        status=MetricsReport.Status.FAILED, finished_at=now, message=_("The report could not be produced."))
    from metrics.tasks import metrics_report_render

    stale = unfinished.filter(created_at__lt=now - REQUEUE_AFTER).values_list("pk", flat=True)
    count = 0
    for pk in stale:
        enqueue(metrics_report_render, pk)
        count += 1
    return count


def reports_for(user):
    """Reports a user may see: their own; the Secretariat sees all."""
    if user.is_secretariat:
        return MetricsReport.objects.all()
    return MetricsReport.objects.filter(requested_by=user)
