"""The public results page: the region's training and seminar figures for everyone, with small numbers hidden.

Imported by `metrics.models`, so the page type (and its migration) belongs to the metrics app. The figures are
computed, protected and cached by `metrics.public`; the page only chooses the period.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class ResultsPage(Page):
    """Aggregate results for the public site: per country and per topic, no personal data, one per language."""

    class Period(models.TextChoices):
        LAST_12_MONTHS = "last_12_months", _("Last 12 months")
        CURRENT_YEAR = "current_year", _("Current year")
        ALL_TIME = "all_time", _("All time")
        TERM = "term", _("A pro-tempore presidency")

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    period = models.CharField(_("period"), max_length=20, choices=Period.choices, default=Period.LAST_12_MONTHS)
    # PROTECT: deleting a presidency that a published page reports on should be a decision, not a silent switch
    # to another period.
    term = models.ForeignKey("crm.PresidencyTerm", verbose_name=_("pro-tempore presidency"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             help_text=_("Required when the period is a pro-tempore presidency."))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel([FieldRowPanel([FieldPanel("period"), FieldPanel("term")])], heading=_("Figures shown")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    # Each language has its own home page, so one per parent is one per language.
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("public results page")

    def clean(self):
        super().clean()
        if self.period == self.Period.TERM and not self.term_id:
            raise ValidationError({"term": _("Choose the pro-tempore presidency to report on.")})

    def period_bounds(self, today: datetime.date | None = None) -> tuple[datetime.date | None, datetime.date | None]:
        """First and last day of the period (inclusive); (None, None) for all time."""
        today = today or timezone.localdate()
        if self.period == self.Period.LAST_12_MONTHS:
            return _one_year_before(today) + datetime.timedelta(days=1), today
        if self.period == self.Period.CURRENT_YEAR:
            return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
        if self.period == self.Period.TERM and self.term is not None:
            return self.term.start_date, self.term.end_date
        return None, None

    def get_context(self, request, *args, **kwargs):
        from metrics.public import results_context

        context = super().get_context(request, *args, **kwargs)
        context["results"] = results_context(self)
        return context

    def serve(self, request, *args, **kwargs):
        from courses.cache import mark_cacheable

        # The same page for every anonymous visitor; the figures have their own hourly cache besides.
        return mark_cacheable(super().serve(request, *args, **kwargs))


def _one_year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
