"""Trainers draft and submit courses; only the Secretariat publishes (directly or by approving)."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from courses.models import CoursePage
from courses.services import WORKFLOW_NAME
from crm.models import ActionPlanLine, Topic

pytestmark = pytest.mark.django_db


def course_form(title="Gestión de fronteras y derechos", slug="gestion-fronteras", **extra):
    data = {
        "title": title,
        "slug": slug,
        "summary": "Curso práctico para oficiales de frontera.",
        "description": rich_text("<p>Descripción del curso.</p>"),
        "learning_outcomes": "Aplicar el protocolo\nReferir casos",
        "action_plan_line": ActionPlanLine.objects.get(slug="training").pk,
        "topics": [Topic.objects.get(slug="border-management").pk],
        "modality": "blended",
        "level": "intermediate",
        "estimated_hours": "12",
        "enrolment_policy": "open",
        "audience": "everyone",
        "comments": inline_formset([]),
    }
    data.update(extra)
    return nested_form_data(data)


def add_url(catalog):
    return reverse("wagtailadmin_pages:add", args=("courses", "coursepage", catalog.pk))


def test_catalogue_is_under_secretariat_review(catalog):
    assert catalog.get_workflow().name == WORKFLOW_NAME


def test_trainer_creates_and_submits_but_cannot_publish(client, catalog, trainer):
    client.force_login(trainer)
    response = client.post(add_url(catalog), course_form(**{"action-submit": "Submit"}))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    course = CoursePage.objects.get(slug="gestion-fronteras")
    assert not course.live
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(course.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == "Secretariat approval"

    # Trying to publish does not publish.
    edit = reverse("wagtailadmin_pages:edit", args=(course.pk,))
    client.post(edit, course_form(**{"action-publish": "Publish"}))
    assert not CoursePage.objects.get(pk=course.pk).live


def test_secretariat_approves_submission_and_course_goes_live(client, catalog, trainer, secretariat):
    client.force_login(trainer)
    client.post(add_url(catalog), course_form(**{"action-submit": "Submit"}))
    course = CoursePage.objects.get(slug="gestion-fronteras")
    task_state = WorkflowState.objects.get(object_id=str(course.pk)).current_task_state

    client.force_login(secretariat)
    url = reverse("wagtailadmin_pages:workflow_action", args=(course.pk, "approve", task_state.pk))
    response = client.post(url, {"comment": "Aprobado"})
    assert response.status_code in (200, 302)
    course.refresh_from_db()
    assert course.live
    assert client.get(course.url).status_code == 200


def test_secretariat_publishes_directly(client, catalog, secretariat):
    client.force_login(secretariat)
    response = client.post(add_url(catalog), course_form(**{"action-publish": "Publish"}))
    assert response.status_code == 302
    assert CoursePage.objects.get(slug="gestion-fronteras").live


def test_learner_cannot_author(client, catalog, learner):
    client.force_login(learner)
    response = client.post(add_url(catalog), course_form(**{"action-publish": "Publish"}))
    assert response.status_code in (302, 403)
    assert not CoursePage.objects.filter(slug="gestion-fronteras").exists()


def test_invalid_course_is_rejected_with_message_and_not_saved(client, catalog, secretariat):
    client.force_login(secretariat)
    response = client.post(add_url(catalog), course_form(audience="network", **{"action-publish": "Publish"}))
    assert response.status_code == 200
    assert "audience_network" in response.context["form"].errors
    assert not CoursePage.objects.filter(slug="gestion-fronteras").exists()


def test_scheduled_publishing(client, catalog, secretariat, monkeypatch):
    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import Revision

    client.force_login(secretariat)
    go_live = timezone.localtime(timezone.now() + timezone.timedelta(minutes=5))
    data = course_form(go_live_at=go_live.strftime("%Y-%m-%d %H:%M"), **{"action-publish": "Publish"})
    client.post(add_url(catalog), data)
    course = CoursePage.objects.get(slug="gestion-fronteras")
    assert not course.live
    scheduled = Revision.page_revisions.filter(object_id=str(course.pk), approved_go_live_at__isnull=False)
    assert scheduled.count() == 1

    call_command("publish_scheduled", stdout=open("/dev/null", "w"))
    assert not CoursePage.objects.get(pk=course.pk).live  # not yet
    later = timezone.now() + timezone.timedelta(minutes=10)
    monkeypatch.setattr(timezone, "now", lambda: later)  # ten minutes pass
    call_command("publish_scheduled", stdout=open("/dev/null", "w"))
    assert CoursePage.objects.get(pk=course.pk).live


def test_translated_catalogues_get_permissions_and_workflow(catalog):
    from wagtail.models import GroupPagePermission

    for translation in catalog.get_translations(inclusive=True):
        assert translation.get_workflow().name == WORKFLOW_NAME
        granted = set(GroupPagePermission.objects.filter(page=translation).values_list(
            "group__name", "permission__codename"))
        assert ("Trainer", "add_page") in granted and ("Trainer", "change_page") in granted
        assert ("Trainer", "publish_page") not in granted
        assert ("Secretariat", "publish_page") in granted


def test_trainer_can_upload_images_and_documents(trainer, learner):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    from accounts.models import User

    trainer, learner = User.objects.get(pk=trainer.pk), User.objects.get(pk=learner.pk)
    for model in (get_image_model(), get_document_model()):
        policy = policy_registry.get_by_type(model)
        assert policy.user_has_permission(trainer, "add")
        assert not policy.user_has_permission(learner, "add")
