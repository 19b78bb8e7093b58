"""The admin queue of seminar registration requests: focal points decide and nominate for their own country."""

import pytest

from seminars.models import Registration
from seminars.services import registration_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/seminar-requests/"


@pytest.fixture
def approval_seminar(seminar_factory):
    return seminar_factory(registration_policy="approval")


def test_focal_point_sees_and_decides_own_country_only(client, approval_seminar, focal_point_mx):
    mexican = registration_request(user=UserFactory(country="MX", full_name="Oficial Mexicano"),
                                   seminar=approval_seminar)
    guatemalan = registration_request(user=UserFactory(country="GT", full_name="Oficial Guatemalteco"),
                                      seminar=approval_seminar)
    assert mexican.status == guatemalan.status == Registration.Status.PENDING

    client.force_login(focal_point_mx)
    page = client.get(QUEUE).content.decode()
    assert "Oficial Mexicano" in page and "Oficial Guatemalteco" not in page

    assert client.post(f"{QUEUE}{guatemalan.pk}/approve/").status_code == 404
    guatemalan.refresh_from_db()
    assert guatemalan.status == Registration.Status.PENDING

    client.post(f"{QUEUE}{mexican.pk}/reject/", {"reason": ""})  # a rejection needs a reason
    mexican.refresh_from_db()
    assert mexican.status == Registration.Status.PENDING
    client.post(f"{QUEUE}{mexican.pk}/approve/")
    mexican.refresh_from_db()
    assert mexican.status == Registration.Status.CONFIRMED and mexican.decided_by == focal_point_mx


def test_focal_point_nominates_own_officials_only(client, seminar_factory, focal_point_mx):
    seminar = seminar_factory(registration_policy="invitation")
    mexican, salvadoran = UserFactory(country="MX"), UserFactory(country="SV")
    client.force_login(focal_point_mx)
    client.post(f"{QUEUE}nominate/", {"email": salvadoran.email, "seminar": seminar.pk})
    assert not Registration.objects.filter(user=salvadoran).exists()
    client.post(f"{QUEUE}nominate/", {"email": mexican.email, "seminar": seminar.pk})
    assert Registration.objects.get(user=mexican).status == Registration.Status.CONFIRMED


def test_learners_and_trainers_have_no_queue(client, learner, trainer):
    for user in (learner, trainer):
        client.force_login(user)
        assert client.get(QUEUE).status_code in (302, 403)
