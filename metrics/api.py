"""Read-only JSON API of the capacity metrics, for the Secretariat's BI tools (`/api/v1/metrics/`).

The same measures, filters and scoping as the dashboard: the query string goes through `MetricsFilterForm` (bad
input answers 400 with the form's errors per field, never figures), and every figure comes from
`metrics.selectors` for the caller's `Scope`, so a focal point's token only ever counts their country.

Every response carries the scope it was computed for, the filters applied (in query-string form) and the
period they resolve to. Hours are JSON numbers with at most two decimals; rates and the average score are
percentages with one decimal, or null when there is nothing to divide by. drf-spectacular builds the OpenAPI
schema (`/api/v1/schema/`) from these serializers and from the filter form's fields.
"""

import datetime
import uuid

from django import forms
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from metrics import selectors
from metrics.forms import MetricsFilterForm, Period
from metrics.models import CountryTarget
from metrics.presentation import scope_name
from metrics.selectors import Filters, Scope

# The form fields each period reads (the rest of the period fields are ignored, so they are not echoed).
PERIOD_FIELDS = {Period.YEAR: ("year",), Period.QUARTER: ("year", "quarter"), Period.MONTH: ("year", "month"),
                 Period.TERM: ("term",), Period.CUSTOM: ("start", "end")}
ALL_PERIOD_FIELDS = set().union(*PERIOD_FIELDS.values())

PERCENT_NOTE = gettext_lazy("Percentage with one decimal; null when there is nothing to divide by.")
HOURS_NOTE = gettext_lazy("Hours, a number with at most two decimals.")


def _with_note(text, note):
    return format_lazy("{} {}", text, note)


# --- Access ----------------------------------------------------------------------------------------------


class HasMetricsScope(BasePermission):
    """The Secretariat, country focal points and trainers: whoever `Scope.for_user` gives a scope."""

    message = gettext_lazy("Only the Secretariat, country focal points and trainers can read capacity metrics.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) and view.scope is not None


class MetricsRateThrottle(UserRateThrottle):
    """Per user, whatever the authentication (rate: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["metrics"])."""

    scope = "metrics"


# --- Filters (the dashboard's form) ------------------------------------------------------------------------

# One description per field of MetricsFilterForm (the dashboard's filters); a test keeps the two in step.
FILTER_DESCRIPTIONS = {
    "period": gettext_lazy("all (the default), year (needs year), quarter (year and quarter), month (year and "
                           "month), term (term) or custom (start and end, both inclusive)."),
    "year": gettext_lazy("Year of the year, quarter and month periods."),
    "quarter": gettext_lazy("Quarter (1-4) of the quarter period."),
    "month": gettext_lazy("Month (1-12) of the month period."),
    "term": gettext_lazy("Identifier of a pro-tempore presidency, for the term period."),
    "start": gettext_lazy("First day of a custom period (YYYY-MM-DD)."),
    "end": gettext_lazy("Last day of a custom period (YYYY-MM-DD)."),
    "country": gettext_lazy("ISO 3166-1 alpha-2 code of a CRM country (a focal point may only give their own)."),
    "country_status": gettext_lazy("Member states or observer countries only."),
    "institution": gettext_lazy("Identifier of an institution (a focal point: of their country)."),
    "institution_type": gettext_lazy("Type of institution."),
    "gender": gettext_lazy("Gender recorded at enrolment or registration."),
    "course": gettext_lazy("Identity (UUID) of a course; seminars are then left out."),
    "line": gettext_lazy("Identifier of an Action Plan line."),
    "topic": gettext_lazy("Identifier of a topic."),
    "modality": gettext_lazy("Modality of the course or seminar."),
    "language": gettext_lazy("Language version of the course or seminar."),
    "network": gettext_lazy("Identifier of the network a course or seminar is restricted to."),
}


def _filter_parameters() -> list[OpenApiParameter]:
    """One query parameter per field of `MetricsFilterForm`, typed from the field."""
    parameters = []
    for name, field in MetricsFilterForm.base_fields.items():
        enum = None
        if isinstance(field, forms.ModelChoiceField):
            kind = OpenApiTypes.UUID if field.to_field_name == "key" else OpenApiTypes.INT
        elif isinstance(field, forms.DateField):
            kind = OpenApiTypes.DATE
        elif isinstance(field, forms.TypedChoiceField):
            kind = OpenApiTypes.INT
            if name in ("quarter", "month"):
                values = [value for value, _label in field.choices]
                kind = {"type": "integer", "minimum": min(values), "maximum": max(values)}
        else:
            kind = OpenApiTypes.STR
            if name != "country":  # the CRM's countries come from the database
                enum = list(dict.fromkeys(value for value, _label in field.choices if value != ""))
        parameters.append(OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, enum=enum,
                                           description=FILTER_DESCRIPTIONS[name]))
    return parameters


FILTER_PARAMETERS = _filter_parameters()


def _applied(form: MetricsFilterForm) -> dict:
    """The filters applied, in query-string form (identifiers for choices of rows, ISO dates)."""
    data = form.cleaned_data
    period = data.get("period") or Period.ALL
    applied = {"period": period}
    for name, value in data.items():
        if name == "period" or value in (None, ""):
            continue
        if name in ALL_PERIOD_FIELDS and name not in PERIOD_FIELDS.get(period, ()):
            continue
        if isinstance(value, models.Model):
            value = form.fields[name].prepare_value(value)
        applied[name] = str(value) if isinstance(value, uuid.UUID) else value
    return applied


# --- Serializers (responses only) ------------------------------------------------------------------------


def _count(help_text, **kwargs):
    return serializers.IntegerField(help_text=help_text, **kwargs)


def _percent(help_text, **kwargs):
    return serializers.FloatField(allow_null=True, help_text=_with_note(help_text, PERCENT_NOTE), **kwargs)


def _hours(help_text, **kwargs):
    return serializers.DecimalField(max_digits=None, decimal_places=2, coerce_to_string=False,
                                    help_text=_with_note(help_text, HOURS_NOTE), **kwargs)


class ScopeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["region", "country", "offerings"],
        help_text=gettext_lazy("region (the Secretariat), country (a focal point) or offerings (a trainer's "
                               "courses and seminars)."))
    label = serializers.CharField(help_text=gettext_lazy("The scope in words, in the request's language."))
    country = serializers.CharField(allow_null=True, help_text=gettext_lazy("The country of a country scope."))
    offerings = serializers.ListField(
        child=serializers.UUIDField(), allow_null=True,
        help_text=gettext_lazy("The course and seminar identities of an offerings scope."))


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(allow_null=True, help_text=gettext_lazy("First day counted (null: no limit)."))
    end = serializers.DateField(allow_null=True, help_text=gettext_lazy("Last day counted (null: no limit)."))


class EnvelopeSerializer(serializers.Serializer):
    scope = ScopeSerializer(help_text=gettext_lazy("Whose figures these are: the caller's scope."))
    filters = serializers.DictField(help_text=gettext_lazy(
        "The filters applied, as query-string values; period fields appear only when the period uses them."))
    period = PeriodSerializer(help_text=gettext_lazy("The dates the period resolves to, inclusive."))


# What each measure counts (the selectors module's definitions; four are the dashboard's own sentences).
DEFINITIONS = {
    "enrolments": gettext_lazy("Accepted course enrolments requested in the period (pending and rejected requests "
                               "are not enrolments)."),
    "active_learners": gettext_lazy("Distinct enrolled learners with lesson activity in a month of the period."),
    "completions": gettext_lazy("Course completions in the period, dated by the completion."),
    "completion_rate": gettext_lazy(
        "Completion rate: of the enrolments made in the period, the share completed so far."),
    "certificates": gettext_lazy("Valid course and seminar certificates issued in the period."),
    "officials_trained": gettext_lazy(
        "Officials trained: distinct people who completed a course or attended a seminar in the period."),
    "institutions": gettext_lazy(
        "Institutions reached: distinct institutions of the people enrolled or registered in the period."),
    "training_hours": gettext_lazy(
        "Training hours: the course's hours for each completion plus the length of each seminar session "
        "attended."),
    "course_hours": gettext_lazy("Course hours: the course's hours for each completion in the period."),
    "seminar_hours": gettext_lazy("Seminar hours: the length of each seminar session attended in the period."),
    "average_score": gettext_lazy(
        "Average final-assessment score: each enrolment's best attempt at its course's final assessment, "
        "averaged."),
    "seminar_participants": gettext_lazy(
        "Seminar participants: distinct people with a confirmed registration to a seminar starting in the "
        "period."),
    "attendance_rate": gettext_lazy(
        "Attendance rate: of the confirmed participants of seminars that have ended, the share who reached the "
        "attendance needed."),
    "learners": gettext_lazy("Distinct people enrolled in the period."),
}


class MeasuresSerializer(serializers.Serializer):
    enrolments = _count(DEFINITIONS["enrolments"])
    active_learners = _count(DEFINITIONS["active_learners"])
    completions = _count(DEFINITIONS["completions"])
    completion_rate = _percent(DEFINITIONS["completion_rate"])
    certificates = _count(DEFINITIONS["certificates"])
    officials_trained = _count(DEFINITIONS["officials_trained"])
    institutions = _count(DEFINITIONS["institutions"])
    training_hours = _hours(DEFINITIONS["training_hours"])
    course_hours = _hours(DEFINITIONS["course_hours"])
    seminar_hours = _hours(DEFINITIONS["seminar_hours"])
    average_score = _percent(DEFINITIONS["average_score"])
    seminar_participants = _count(DEFINITIONS["seminar_participants"])
    attendance_rate = _percent(DEFINITIONS["attendance_rate"])


class HeadlineSerializer(EnvelopeSerializer):
    measures = MeasuresSerializer()


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": True})
class GroupKeyField(serializers.Field):
    """A country code, a gender or an offering's UUID (text), or an identifier (integer); null: not recorded."""

    def to_representation(self, value):
        return value


class RowSerializer(serializers.Serializer):
    key = GroupKeyField(help_text=gettext_lazy(
        "The group: a country code, an institution, line or topic identifier, a course or seminar identity "
        "(UUID) or a gender; null when not recorded."))
    label = serializers.CharField(help_text=gettext_lazy("The group's name, in the request's language."))
    key2 = GroupKeyField(help_text=gettext_lazy("The second group (by2), or null without by2."))
    label2 = serializers.CharField(allow_null=True, help_text=gettext_lazy("The second group's name, or null."))
    enrolments = _count(DEFINITIONS["enrolments"])
    completions = _count(DEFINITIONS["completions"])
    completion_rate = _percent(DEFINITIONS["completion_rate"])
    learners = _count(DEFINITIONS["learners"])
    seminar_participants = _count(DEFINITIONS["seminar_participants"], source="participants")
    officials_trained = _count(DEFINITIONS["officials_trained"])
    training_hours = _hours(DEFINITIONS["training_hours"])


class BreakdownSerializer(EnvelopeSerializer):
    # Plain text: the path and query parameters list the groups (one enum, not three named alike).
    group = serializers.CharField(help_text=gettext_lazy("The first group."))
    by2 = serializers.CharField(allow_null=True, help_text=gettext_lazy("The second group, or null."))
    rows = RowSerializer(many=True, help_text=gettext_lazy(
        "One row per group (or pair of groups) with figures, most enrolments first. A course or seminar in "
        "several topics counts once under each of them."))


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text=gettext_lazy("First day of the month."))
    enrolments = _count(gettext_lazy("Enrolments requested in the month."))
    completions = _count(gettext_lazy("Course completions in the month."))
    seminar_participants = _count(gettext_lazy("Distinct participants of seminars starting in the month."),
                                  source="participants")


class MonthlySerializer(EnvelopeSerializer):
    rows = MonthSerializer(many=True, help_text=gettext_lazy("Months with any figure, oldest first."))


class TargetSerializer(serializers.Serializer):
    country = serializers.CharField(help_text=gettext_lazy("ISO 3166-1 alpha-2 country code."))
    country_name = serializers.CharField()
    measure = serializers.ChoiceField(choices=CountryTarget.Measure.choices)
    measure_label = serializers.CharField()
    action_plan_line = serializers.IntegerField(allow_null=True, help_text=gettext_lazy(
        "The Action Plan line the target is for, or null for all lines."))
    action_plan_line_name = serializers.CharField(allow_null=True)
    target = serializers.IntegerField()
    achieved = serializers.DecimalField(max_digits=None, decimal_places=2, coerce_to_string=False,
                                        help_text=gettext_lazy("Achieved so far in the year (a number)."))
    percent = serializers.IntegerField(help_text=gettext_lazy("Achieved as a share of the target, capped at "
                                                              "100."))


class TargetsSerializer(EnvelopeSerializer):
    rows = TargetSerializer(many=True, help_text=gettext_lazy(
        "The year's country targets within the scope (none for trainers)."))


class TargetsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False,
                                    help_text=gettext_lazy("The targets' year (default: this year)."))


# --- Schema --------------------------------------------------------------------------------------------


def schema_endpoints(endpoints):
    """drf-spectacular preprocessing hook: the schema describes this API only (Wagtail's admin API and
    wagtail-localize also use DRF, under /admin/)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


# --- Views -----------------------------------------------------------------------------------------------


class RequestLanguageMixin:
    """Labels, measure descriptions and errors in the language of Accept-Language (or the language cookie).

    /api/ has no language prefix, so LocaleMiddleware alone would always answer in LANGUAGE_CODE."""

    def initial(self, request, *args, **kwargs):
        translation.activate(translation.get_language_from_request(request._request))
        super().initial(request, *args, **kwargs)


class SchemaView(RequestLanguageMixin, SpectacularAPIView):
    """The OpenAPI 3 schema of this API (YAML, or JSON with ?format=json)."""


class MetricsAPIView(RequestLanguageMixin, APIView):
    """Read-only, for callers with a metrics scope; figures always within that scope."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [HasMetricsScope]
    renderer_classes = [JSONRenderer]
    throttle_classes = [MetricsRateThrottle]
    http_method_names = ["get", "head", "options"]

    @cached_property
    def scope(self) -> Scope | None:
        return Scope.for_user(self.request.user)

    def filters(self) -> tuple[MetricsFilterForm, Filters]:
        form = MetricsFilterForm(self.request.query_params, scope=self.scope)
        if not form.is_valid():
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name: list(errors)
                                   for name, errors in form.errors.items()})
        return form, form.filters()

    def envelope(self, applied: dict, start: datetime.date | None, end: datetime.date | None) -> dict:
        scope = self.scope
        kind = "country" if scope.country else "offerings" if scope.offering_keys is not None else "region"
        return {
            "scope": {"kind": kind, "label": scope_name(scope), "country": scope.country or None,
                      "offerings": (sorted(str(key) for key in scope.offering_keys)
                                    if scope.offering_keys is not None else None)},
            "filters": applied,
            "period": {"start": start, "end": end},
        }

    def filtered_envelope(self) -> tuple[Filters, dict]:
        form, filters = self.filters()
        return filters, self.envelope(_applied(form), filters.start, filters.end)


class HeadlineView(MetricsAPIView):
    """Every measure for the caller's scope and filters."""

    @extend_schema(operation_id="metrics_headline", summary=gettext_lazy("Every measure"),
                   description=gettext_lazy("Every measure for the caller's scope and the dashboard's filters."),
                   parameters=FILTER_PARAMETERS, responses=HeadlineSerializer)
    def get(self, request):
        filters, body = self.filtered_envelope()
        body["measures"] = selectors.headline(self.scope, filters)
        return Response(HeadlineSerializer(body).data)


class BreakdownView(MetricsAPIView):
    """The main measures per group or pair of groups."""

    @extend_schema(
        operation_id="metrics_breakdown", summary=gettext_lazy("Measures per group"),
        description=gettext_lazy("The main measures per country, institution, course or seminar, Action Plan "
                                 "line, topic or gender, or per pair of them (by2)."),
        parameters=[
            OpenApiParameter("group", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(selectors.GROUPS),
                             description=gettext_lazy("What to group by.")),
            OpenApiParameter("by2", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
                             enum=list(selectors.GROUPS),
                             description=gettext_lazy("A second group, e.g. group country with by2=line.")),
            *FILTER_PARAMETERS,
        ],
        responses=BreakdownSerializer)
    def get(self, request, group: str):
        filters, body = self.filtered_envelope()
        by2 = request.query_params.get("by2") or None
        if by2 is not None and (by2 not in selectors.GROUPS or by2 == group):
            raise ValidationError({"by2": [_("Choose a group other than %(group)s: %(groups)s.") % {
                "group": group, "groups": ", ".join(selectors.GROUPS)}]})
        by = (group, by2) if by2 else (group,)
        rows = selectors.breakdown(self.scope, filters, by)
        names = [selectors.labels(name, {row.key[i] for row in rows}) for i, name in enumerate(by)]

        def label(i: int, key) -> str:
            if key is None:
                return _("Not recorded")
            return names[i].get(key) or str(key)

        body.update(group=group, by2=by2, rows=[{
            "key": row.key[0], "label": label(0, row.key[0]),
            "key2": row.key[1] if by2 else None, "label2": label(1, row.key[1]) if by2 else None,
            "enrolments": row.enrolments, "completions": row.completions, "completion_rate": row.completion_rate,
            "learners": row.learners, "participants": row.participants,
            "officials_trained": row.officials_trained, "training_hours": row.training_hours,
        } for row in rows])
        return Response(BreakdownSerializer(body).data)


class MonthlyView(MetricsAPIView):
    """Measures per calendar month."""

    @extend_schema(operation_id="metrics_monthly", summary=gettext_lazy("Measures per month"),
                   description=gettext_lazy("Enrolments, completions and seminar participants per calendar month."),
                   parameters=FILTER_PARAMETERS, responses=MonthlySerializer)
    def get(self, request):
        filters, body = self.filtered_envelope()
        body["rows"] = selectors.monthly(self.scope, filters)
        return Response(MonthlySerializer(body).data)


class TargetsView(MetricsAPIView):
    """The year's country targets with their progress."""

    @extend_schema(operation_id="metrics_targets", summary=gettext_lazy("Country targets and progress"),
                   description=gettext_lazy("The year's country targets within the caller's scope, with what has "
                                            "been achieved so far. Only the year filters them."),
                   parameters=[TargetsQuerySerializer], responses=TargetsSerializer)
    def get(self, request):
        query = TargetsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        progress = selectors.target_progress(self.scope, year)
        names = selectors.labels("country", {item["country"] for item in progress})
        body = self.envelope({"year": year}, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        body["rows"] = [{
            "country": item["country"], "country_name": names.get(item["country"], item["country"]),
            "measure": item["target"].measure, "measure_label": item["target"].get_measure_display(),
            "action_plan_line": item["target"].action_plan_line_id,
            "action_plan_line_name": item["target"].action_plan_line.name if item["target"].action_plan_line
            else None,
            "target": item["target"].target, "achieved": item["achieved"], "percent": item["percent"],
        } for item in progress]
        return Response(TargetsSerializer(body).data)
