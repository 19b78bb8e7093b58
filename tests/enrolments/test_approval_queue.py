"""The approval queue: focal points see and decide only their own country's requests."""

import pytest
from django.urls import reverse

from enrolments.models import Enrollment
from enrolments.services import enrollment_request
from tests.courses.conftest import make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests(catalog):
    course = make_course(catalog, title="Con aprobación", enrolment_policy="approval")
    mexican = UserFactory(country="MX", full_name="Oficial Mexicana")
    panamanian = UserFactory(country="PA", full_name="Oficial Panameño")
    return {"MX": enrollment_request(user=mexican, course=course),
            "PA": enrollment_request(user=panamanian, course=course)}


def test_focal_point_sees_only_own_country(client, requests, focal_point_mx):
    client.force_login(focal_point_mx)
    html = client.get(reverse("enrolments_approvals:queue")).content.decode()
    assert "Oficial Mexicana" in html and "Oficial Panameño" not in html


def test_focal_point_cannot_act_on_other_country(client, requests, focal_point_mx):
    client.force_login(focal_point_mx)
    for action in ("approve", "reject"):
        response = client.post(reverse(f"enrolments_approvals:{action}", args=(requests["PA"].pk,)),
                               {"reason": "x"})
        assert response.status_code == 404
    assert Enrollment.objects.get(pk=requests["PA"].pk).status == "pending"


def test_focal_point_approves_and_rejects_with_reason(client, requests, focal_point_mx, secretariat):
    client.force_login(focal_point_mx)
    client.post(reverse("enrolments_approvals:approve", args=(requests["MX"].pk,)))
    approved = Enrollment.objects.get(pk=requests["MX"].pk)
    assert approved.status == "active" and approved.decided_by == focal_point_mx

    client.force_login(secretariat)
    response = client.post(reverse("enrolments_approvals:reject", args=(requests["PA"].pk,)), {"reason": ""},
                           follow=True)
    assert Enrollment.objects.get(pk=requests["PA"].pk).status == "pending"  # a reason is required
    client.post(reverse("enrolments_approvals:reject", args=(requests["PA"].pk,)), {"reason": "Sin cupo nacional"})
    rejected = Enrollment.objects.get(pk=requests["PA"].pk)
    assert rejected.status == "rejected" and rejected.decision_reason == "Sin cupo nacional"
    assert response.status_code == 200


@pytest.mark.parametrize("role", [None, "Trainer"])
def test_learners_and_trainers_have_no_queue(client, requests, role):
    client.force_login(UserFactory(role=role) if role else UserFactory())
    response = client.get(reverse("enrolments_approvals:queue"))
    assert response.status_code in (302, 403)
    response = client.post(reverse("enrolments_approvals:approve", args=(requests["MX"].pk,)))
    assert response.status_code in (302, 403)
    assert Enrollment.objects.get(pk=requests["MX"].pk).status == "pending"


def test_focal_point_nominates_own_country_only(client, catalog, focal_point_mx):
    course = make_course(catalog, title="Por invitación", enrolment_policy="invitation")
    mexican, panamanian = UserFactory(country="MX"), UserFactory(country="PA")
    client.force_login(focal_point_mx)
    url = reverse("enrolments_approvals:nominate")
    client.post(url, {"email": mexican.email.upper(), "course": course.pk})
    nominated = Enrollment.objects.get(user=mexican)
    assert nominated.status == "active" and nominated.nominated_by == focal_point_mx
    response = client.post(url, {"email": panamanian.email, "course": course.pk}, follow=True)
    assert not Enrollment.objects.filter(user=panamanian).exists()
    assert response.status_code == 200
    client.post(url, {"email": "nobody@example.org", "course": course.pk})
    assert Enrollment.objects.count() == 1


def test_trainer_cannot_nominate(client, catalog, trainer):
    course = make_course(catalog, title="Abierto")
    official = UserFactory(country="CR")
    client.force_login(trainer)
    response = client.post(reverse("enrolments_approvals:nominate"), {"email": official.email, "course": course.pk})
    assert response.status_code in (302, 403)  # Wagtail's admin turns a refusal into a redirect with a message
    assert response.status_code == 403 or response["Location"] == "/admin/"
    assert not Enrollment.objects.exists()
