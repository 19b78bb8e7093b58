"""Admin wiring of bulk enrolment: its URLs and a menu item for focal points and the Secretariat."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from enrolments import admin_views
from enrolments.bulk import can_bulk_enrol

bulk_urls = ([
    path("", admin_views.job_list, name="list"),
    path("upload/", admin_views.job_upload, name="upload"),
    path("<int:pk>/", admin_views.job_progress, name="progress"),
    path("<int:pk>/status/", admin_views.job_status, name="status"),
    path("<int:pk>/report/", admin_views.job_report, name="report"),
    path("<int:pk>/apply/", admin_views.job_apply, name="apply"),
    path("<int:pk>/discard/", admin_views.job_discard, name="discard"),
], "enrolments_bulk")


@hooks.register("register_admin_urls")
def register_bulk_urls():
    return [path("bulk-enrolment/", include(bulk_urls))]


class BulkEnrolmentMenuItem(MenuItem):
    def is_shown(self, request):
        return can_bulk_enrol(request.user)


@hooks.register("register_admin_menu_item")
def register_bulk_menu_item():
    return BulkEnrolmentMenuItem(_("Bulk enrolment"), reverse("enrolments_bulk:list"), name="bulk-enrolment",
                                 icon_name="group", order=450)
from enrolments import approval_hooks  # noqa: E402,F401  (approval queue and trainer views)
