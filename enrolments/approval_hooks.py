"""Admin URLs and menu items: approval queue and trainers' learner lists (imported by enrolments/wagtail_hooks.py)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from enrolments import approval_views, trainer_views

urlpatterns = [
    path("", approval_views.queue, name="queue"),
    path("nominate/", approval_views.nominate, name="nominate"),
    path("<int:pk>/approve/", approval_views.decide, {"decision": "approve"}, name="approve"),
    path("<int:pk>/reject/", approval_views.decide, {"decision": "reject"}, name="reject"),
]


trainer_urlpatterns = [
    path("", trainer_views.my_courses, name="courses"),
    path("<int:page_id>/", trainer_views.CourseLearnersView.as_view(), name="learners"),
]


@hooks.register("register_admin_urls")
def register_approval_urls():
    return [
        path("enrolment-requests/", include((urlpatterns, "enrolments_approvals"))),
        path("course-learners/", include((trainer_urlpatterns, "enrolments_trainer"))),
    ]


class ApprovalMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_secretariat or request.user.is_focal_point


class TrainerMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_secretariat or request.user.is_trainer


@hooks.register("register_admin_menu_item")
def register_trainer_menu_item():
    return TrainerMenuItem(_("My courses' learners"), reverse("enrolments_trainer:courses"), icon_name="group",
                           order=220)


@hooks.register("register_admin_menu_item")
def register_approval_menu_item():
    return ApprovalMenuItem(_("Enrolment requests"), reverse("enrolments_approvals:queue"), icon_name="tasks",
                            order=210)
