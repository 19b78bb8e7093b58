import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import Institution, User
from accounts.roles import ROLE_PERMISSIONS, Role
from accounts.services import role_assign, role_remove
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_logs_in_with_email_and_has_profile_fields():
    institution = InstitutionFactory(name="Instituto Guatemalteco de Migración", country="GT")
    user = User.objects.create_user(
        "Ana.Perez@Example.ORG", "Correct-Horse-42", full_name="Ana Pérez", country="GT",
        institution=institution, position="Inspectora", gender=User.Gender.FEMALE, preferred_language="en",
    )
    assert User.USERNAME_FIELD == "email"
    assert user.email == "ana.perez@example.org"
    assert user.check_password("Correct-Horse-42")
    assert user.get_full_name() == "Ana Pérez"
    assert user.country.code == "GT"
    assert user.institution.type == Institution.Type.MIGRATION
    assert not hasattr(user, "username") or user.username is None


def test_names_are_stored_with_single_spaces_however_they_were_typed(client):
    """Printed on certificates and matched in rosters: stray spaces from a form or the admin are dropped."""
    user = User.objects.create_user("ana@example.org", "Correct-Horse-42", full_name="  Ana   María\tPérez ")
    assert user.full_name == "Ana María Pérez"
    user.full_name = "Ana  Pérez"
    user.save(update_fields=["full_name"])
    user.refresh_from_db()
    assert user.full_name == "Ana Pérez"


def test_email_is_unique_case_insensitively_through_manager():
    User.objects.create_user("dup@example.org", "Correct-Horse-42", full_name="A")
    with pytest.raises((ValidationError, IntegrityError)):
        User.objects.create_user("DUP@example.org", "Correct-Horse-42", full_name="B")


def test_gender_is_optional_and_limited_to_choices():
    user = UserFactory(gender="")
    user.full_clean(exclude=["password"])
    user.gender = "unknown"
    with pytest.raises(ValidationError):
        user.full_clean(exclude=["password"])


def test_role_groups_exist_from_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_staff_roles_reach_wagtail_admin_and_learners_do_not(learner, trainer, focal_point_mx, secretariat):
    assert not learner.has_perm("wagtailadmin.access_admin")
    for user in (trainer, focal_point_mx, secretariat):
        user = User.objects.get(pk=user.pk)  # fresh permission cache
        assert user.has_perm("wagtailadmin.access_admin"), user
    assert User.objects.get(pk=secretariat.pk).has_perm("crm.change_topic")
    assert not User.objects.get(pk=trainer.pk).has_perm("crm.change_topic")


def test_role_permissions_table_names_real_permissions():
    from django.contrib.auth.models import Permission

    for role, permissions in ROLE_PERMISSIONS.items():
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), (
                role, dotted)


def test_focal_point_is_tied_to_one_crm_country():
    user = UserFactory(country="MX")
    with pytest.raises(ValidationError) as missing:
        role_assign(user=user, role=Role.FOCAL_POINT)
    assert "focal_point_country" in missing.value.message_dict
    assert not user.groups.filter(name=Role.FOCAL_POINT).exists()

    with pytest.raises(ValidationError):
        role_assign(user=user, role=Role.FOCAL_POINT, country="FR")  # not a CRM country
    assert not user.groups.filter(name=Role.FOCAL_POINT).exists()

    role_assign(user=user, role=Role.FOCAL_POINT, country="mx")
    user = User.objects.get(pk=user.pk)
    assert user.is_focal_point
    assert user.focal_point_country.code == "MX"

    with pytest.raises(ValidationError):
        role_assign(user=user, role=Role.FOCAL_POINT, country="GT")
    assert User.objects.get(pk=user.pk).focal_point_country.code == "MX"


def test_removing_focal_point_role_clears_country(focal_point_mx):
    role_remove(user=focal_point_mx, role=Role.FOCAL_POINT)
    user = User.objects.get(pk=focal_point_mx.pk)
    assert not user.is_focal_point
    assert not user.focal_point_country


def test_observer_country_can_have_a_focal_point():
    user = UserFactory(country="CO")
    role_assign(user=user, role=Role.FOCAL_POINT, country="CO")
    assert User.objects.get(pk=user.pk).is_focal_point


def test_admin_user_form_requires_country_for_focal_point():
    from accounts.forms import CampusUserCreationForm

    group = Group.objects.get(name=Role.FOCAL_POINT)
    data = {"email": "fp@example.org", "full_name": "Focal", "preferred_language": "es",
            "groups": [group.pk], "password1": "Correct-Horse-42", "password2": "Correct-Horse-42"}
    form = CampusUserCreationForm(data=data)
    assert not form.is_valid()
    assert "focal_point_country" in form.errors
    form = CampusUserCreationForm(data={**data, "focal_point_country": "HN"})
    assert form.is_valid(), form.errors
    user = form.save()
    assert user.full_name == "Focal" and user.focal_point_country.code == "HN"
