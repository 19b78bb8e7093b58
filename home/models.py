"""The site's home page."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """Landing page of Campus CRM, one per language."""

    lead = models.CharField(_("lead"), max_length=300, blank=True,
                            help_text=_("One sentence under the title."))
    body = RichTextField(_("body"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("lead"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("lead"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from crm.models import ActionPlanLine

        context = super().get_context(request, *args, **kwargs)
        context["action_plan_lines"] = ActionPlanLine.objects.all()
        return context

    def serve(self, request, *args, **kwargs):
        from courses.cache import mark_cacheable

        return mark_cacheable(super().serve(request, *args, **kwargs))
