"""The filters of the metrics dashboard, export and API: read from a query string, checked, turned into
`selectors.Filters`. Anything invalid is reported field by field and no figure is computed from it."""

import calendar
import datetime

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import Institution, User
from courses.models import Modality as CourseModality
from crm.models import ActionPlanLine, CrmCountry, Network, PresidencyTerm, Topic
from metrics.models import Offering
from metrics.selectors import Filters, Scope
from seminars.models import Modality as SeminarModality


class Period:
    ALL = "all"
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    TERM = "term"
    CUSTOM = "custom"

    CHOICES = [(ALL, _("All time")), (YEAR, _("Year")), (QUARTER, _("Quarter")), (MONTH, _("Month")),
               (TERM, _("Pro-tempore presidency")), (CUSTOM, _("Custom range"))]


def _years() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year + 1, 2014, -1)]


class QuickSelect(forms.Select):
    """A select written out in Python: Django's renders a template per option, which was most of the dashboard's
    time with hundreds of institutions and courses. Same markup and attributes; no option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "", "<option value=\"{}\"{}>{}</option>",
            ((option, mark_safe(" selected") if str(option) in selected else "", label)  # noqa: S308 (constant)
             for option, label in self.choices))
        return format_html("<select name=\"{}\"{}>{}</select>", name,
                           flatatt(self.build_attrs(self.attrs, attrs)), options)


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.roman} — {obj.country.name} ({obj.start_date:%Y-%m-%d} – {obj.end_date:%Y-%m-%d})"


class OfferingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class MetricsFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=Period.CHOICES, required=False, initial=Period.ALL)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, choices=_years,
                                  initial=lambda: timezone.localdate().year)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, required=False,
                                     choices=[(q, f"T{q}") for q in range(1, 5)])
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, required=False,
                                   choices=[(m, str(m)) for m in range(1, 13)])
    term = TermChoiceField(label=_("Pro-tempore presidency"), queryset=PresidencyTerm.objects.all(), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    country = forms.ChoiceField(label=_("Country"), required=False)
    country_status = forms.ChoiceField(label=_("Member or observer"), required=False,
                                       choices=[("", _("All")), *CrmCountry.Status.choices])
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none(), required=False)
    institution_type = forms.ChoiceField(label=_("Institution type"), required=False,
                                         choices=[("", _("All")), *Institution.Type.choices])
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[("", _("All")), *User.Gender.choices])
    course = OfferingChoiceField(label=_("Course"), queryset=Offering.objects.none(), required=False,
                                 to_field_name="key")
    line = forms.ModelChoiceField(label=_("Action Plan line"), queryset=ActionPlanLine.objects.all(),
                                  required=False)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all(), required=False)
    modality = forms.ChoiceField(label=_("Modality"), required=False,
                                 choices=[("", _("All")), *CourseModality.choices, *SeminarModality.choices])
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[("", _("All")), *settings.LANGUAGES])
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.all(), required=False)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        codes = list(CrmCountry.objects.values_list("country", flat=True))
        if scope.country:
            codes = [scope.country]
        self.fields["country"].choices = [("", _("All")), *sorted(((c, countries.name(c)) for c in codes),
                                                                   key=lambda item: item[1])]
        institutions = Institution.objects.order_by("country", "name")
        if scope.country:
            institutions = institutions.filter(country=scope.country)
        self.fields["institution"].queryset = institutions
        courses = Offering.objects.filter(kind=Offering.Kind.COURSE).order_by("title")
        if scope.offering_keys is not None:
            courses = courses.filter(key__in=scope.offering_keys)
        self.fields["course"].queryset = courses
        for name in ("line", "topic", "network", "institution", "course", "term"):
            self.fields[name].empty_label = _("All")
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = QuickSelect(attrs=field.widget.attrs, choices=field.widget.choices)

    PERIOD_FIELDS = ("period", "year", "quarter", "month", "term", "start", "end")

    def period_fields(self):
        return [self[name] for name in self.PERIOD_FIELDS]

    def dimension_fields(self):
        return [field for field in self if field.name not in self.PERIOD_FIELDS]

    def clean(self):
        data = super().clean()
        period = data.get("period") or Period.ALL
        required = {Period.YEAR: ["year"], Period.QUARTER: ["year", "quarter"], Period.MONTH: ["year", "month"],
                    Period.TERM: ["term"], Period.CUSTOM: ["start", "end"]}.get(period, [])
        for name in required:
            if data.get(name) in (None, ""):
                self.add_error(name, _("Choose a value for this period."))
        start, end = data.get("start"), data.get("end")
        if period == Period.CUSTOM and start and end and end < start:
            self.add_error("end", _("The end of the range cannot come before its start."))
        return data

    def period_bounds(self) -> tuple[datetime.date | None, datetime.date | None]:
        data = self.cleaned_data
        period = data.get("period") or Period.ALL
        if period == Period.YEAR:
            return datetime.date(data["year"], 1, 1), datetime.date(data["year"], 12, 31)
        if period == Period.QUARTER:
            first_month = 3 * (data["quarter"] - 1) + 1
            last_month = first_month + 2
            return (datetime.date(data["year"], first_month, 1),
                    datetime.date(data["year"], last_month, calendar.monthrange(data["year"], last_month)[1]))
        if period == Period.MONTH:
            last_day = calendar.monthrange(data["year"], data["month"])[1]
            return datetime.date(data["year"], data["month"], 1), datetime.date(data["year"], data["month"], last_day)
        if period == Period.TERM:
            return data["term"].start_date, data["term"].end_date
        if period == Period.CUSTOM:
            return data["start"], data["end"]
        return None, None

    def filters(self) -> Filters:
        """The checked filters (call after is_valid())."""
        data = self.cleaned_data
        start, end = self.period_bounds()
        return Filters(
            start=start, end=end,
            countries=(data["country"],) if data.get("country") else (),
            country_status=data.get("country_status") or "",
            institution=data["institution"].pk if data.get("institution") else None,
            institution_type=data.get("institution_type") or "",
            gender=data.get("gender") or "",
            course=data["course"].key if data.get("course") else None,
            line=data["line"].pk if data.get("line") else None,
            topic=data["topic"].pk if data.get("topic") else None,
            modality=data.get("modality") or "",
            language=data.get("language") or "",
            network=data["network"].pk if data.get("network") else None,
        )
