"""Writes on users and roles."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role


@transaction.atomic
def role_assign(*, user: User, role: Role, country: str | None = None) -> User:
    """Give `user` a role. A country focal point is tied to exactly one CRM country, given here."""
    role = Role(role)
    if role == Role.FOCAL_POINT:
        from crm.selectors import crm_country_codes

        if not country:
            raise ValidationError({"focal_point_country": _("A country focal point must be tied to a country.")})
        country = country.upper()
        if country not in crm_country_codes():
            raise ValidationError(
                {"focal_point_country": _("%(code)s is not a member or observer country of the CRM.")
                 % {"code": country}}
            )
        if user.focal_point_country and user.focal_point_country.code != country and user.is_focal_point:
            raise ValidationError(
                {"focal_point_country": _("This user is already the focal point for another country.")}
            )
        user.focal_point_country = country
        user.full_clean(exclude=["password"])
        user.save(update_fields=["focal_point_country"])
    user.groups.add(Group.objects.get(name=role.value))
    user.__dict__.pop("role_names", None)
    return user


@transaction.atomic
def role_remove(*, user: User, role: Role) -> User:
    """Take a role away; a former focal point keeps no country scope."""
    role = Role(role)
    user.groups.remove(Group.objects.get(name=role.value))
    if role == Role.FOCAL_POINT and user.focal_point_country:
        user.focal_point_country = ""
        user.save(update_fields=["focal_point_country"])
    user.__dict__.pop("role_names", None)
    return user
