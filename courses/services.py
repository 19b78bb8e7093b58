"""Writes for the course catalogue: who may author where, and the Secretariat review workflow."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

from accounts.roles import Role
from courses.models import CatalogPage

WORKFLOW_NAME = "Secretariat review"
TASK_NAME = "Secretariat approval"

# Page permissions each role holds on every course catalogue (and so on all courses below it).
# Trainers draft and submit; only the Secretariat publishes, directly or by approving a submission.
CATALOG_PAGE_PERMISSIONS = {
    Role.TRAINER: ("add_page", "change_page"),
    Role.SECRETARIAT: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}


@transaction.atomic
def secretariat_review_workflow() -> Workflow:
    """The workflow every course goes through before publication (created once)."""
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(Group.objects.get(name=Role.SECRETARIAT))
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0})
    return workflow


@transaction.atomic
def catalog_setup(*, catalog: CatalogPage) -> None:
    """Give trainers and the Secretariat their permissions on `catalog` and put it under the review workflow.

    Idempotent; runs whenever a catalogue (or a translation of one) is created or published.
    """
    for role, codenames in CATALOG_PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=catalog.page_ptr, permission=permission)
    WorkflowPage.objects.update_or_create(page=catalog.page_ptr,
                                          defaults={"workflow": secretariat_review_workflow()})
