"""H5P packages in the Wagtail admin: trainers upload them; lessons choose them in an "H5P activity" block."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from h5p.forms import H5PPackageForm
from h5p.models import H5PPackage
from h5p.selectors import statements_export


class H5PPackageViewSet(SnippetViewSet):
    model = H5PPackage
    icon = "pick"
    menu_label = _("H5P activities")
    add_to_admin_menu = True
    menu_order = 250
    list_display = ["title", "main_library_label", "language", "created_at"]
    search_fields = ["title"]
    edit_handler = ObjectList([FieldPanel("upload"), FieldPanel("title")], base_form_class=H5PPackageForm)


register_snippet(H5PPackageViewSet)


def xapi_export_view(request):
    """Download the stored xAPI statements (all, or ?course=<slug>) as one JSON array; Secretariat only."""
    if not (request.user.is_superuser or request.user.is_secretariat):
        raise PermissionDenied
    try:
        chunks = statements_export(course_slug=request.GET.get("course") or None)
    except LookupError as error:
        return HttpResponse(str(error), status=404, content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(chunks, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="xapi-statements.json"'
    return response


@hooks.register("register_admin_urls")
def register_xapi_export_url():
    return [path("h5p/xapi-export/", xapi_export_view, name="h5p_xapi_export")]


@hooks.register("register_admin_menu_item")
def register_xapi_export_menu_item():
    return MenuItem(_("xAPI statements (JSON)"), reverse("h5p_xapi_export"), icon_name="download", order=260,
                    attrs={"download": ""}, name="h5p-xapi-export")


@hooks.register("construct_main_menu")
def hide_xapi_export_from_others(request, menu_items):
    if not (request.user.is_superuser or request.user.is_secretariat):
        menu_items[:] = [item for item in menu_items if item.name != "h5p-xapi-export"]
