from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.choosers import ViewPermissionChooserViewSet
from metrics.models import CountryTarget


@hooks.register("register_admin_urls")
def register_metrics_urls():
    from metrics import urls

    return [path("metrics/", include(urls))]


class MetricsMenuItem(MenuItem):
    def is_shown(self, request):
        from metrics.selectors import Scope

        return Scope.for_user(request.user) is not None


@hooks.register("register_admin_menu_item")
def register_metrics_menu_item():
    return MetricsMenuItem(_("Capacity metrics"), reverse("metrics:dashboard"), icon_name="table", order=150)


class CountryTargetViewSet(SnippetViewSet):
    model = CountryTarget
    icon = "pick"
    menu_label = _("Country targets")
    add_to_admin_menu = False
    list_display = ["country", "year", "measure", "action_plan_line", "target"]
    list_filter = ["year", "measure"]
    # Its chooser would list every country's targets to a focal point scoped to one (access-matrix test).
    chooser_viewset_class = ViewPermissionChooserViewSet


register_snippet(CountryTargetViewSet)
