"""Role names are kept in the shared cache (every request asks for them); a role given or taken away must count on
the very next request, whoever changed it and however."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from accounts.services import role_assign, role_remove

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)  # what the next request loads


def test_role_given_counts_on_the_next_request(learner):
    assert not fresh(learner).is_secretariat  # cached as "no role"

    role_assign(user=learner, role=Role.SECRETARIAT)

    assert fresh(learner).is_secretariat


def test_role_taken_away_counts_on_the_next_request(secretariat):
    assert fresh(secretariat).is_secretariat

    role_remove(user=secretariat, role=Role.SECRETARIAT)

    assert not fresh(secretariat).is_secretariat


def test_removal_from_the_group_side_counts(secretariat):
    assert fresh(secretariat).is_secretariat

    Group.objects.get(name=Role.SECRETARIAT).user_set.clear()

    assert not fresh(secretariat).is_secretariat


def test_renamed_group_no_longer_grants_the_role(secretariat):
    assert fresh(secretariat).is_secretariat
    group = Group.objects.get(name=Role.SECRETARIAT)

    group.name = "Secretariat (former)"
    group.save()

    assert not fresh(secretariat).is_secretariat


def test_staff_page_refused_right_after_the_role_is_taken_away(client, secretariat):
    client.force_login(secretariat)
    assert client.get("/admin/").status_code == 200

    role_remove(user=secretariat, role=Role.SECRETARIAT)

    assert client.get("/admin/").status_code in (302, 403)


def test_removal_of_one_member_from_the_group_side_counts(secretariat):
    assert fresh(secretariat).is_secretariat

    Group.objects.get(name=Role.SECRETARIAT).user_set.remove(secretariat)

    assert not fresh(secretariat).is_secretariat


def test_someone_else_getting_a_role_keeps_the_others_cached(secretariat, learner, django_assert_num_queries):
    """New users join every day; each one must not make everyone's next request read their roles again."""
    assert fresh(secretariat).is_secretariat

    role_assign(user=learner, role=Role.TRAINER)

    user = fresh(secretariat)
    with django_assert_num_queries(0):
        assert user.is_secretariat
