"""Seminar registration requests in the admin menu of focal points and the Secretariat."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from seminars import admin_views

request_patterns = ([
    path("", admin_views.queue, name="queue"),
    path("nominate/", admin_views.nominate, name="nominate"),
    path("<int:pk>/<str:decision>/", admin_views.decide, name="decide"),
], "seminars_requests")


@hooks.register("register_admin_urls")
def register_seminar_request_urls():
    return [path("seminar-requests/", include(request_patterns))]


class RequestsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_secretariat or request.user.is_focal_point or request.user.is_superuser


@hooks.register("register_admin_menu_item")
def register_seminar_requests_menu_item():
    return RequestsMenuItem(_("Seminar registrations"), reverse("seminars_requests:queue"), icon_name="date",
                            order=215)
