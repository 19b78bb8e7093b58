"""Platform roles. Each role is a Django group, created by a data migration; permissions are declared here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Values are the group names stored in the database; labels are what users read.
    LEARNER = "Learner", _("Learner")
    TRAINER = "Trainer", _("Trainer")
    FOCAL_POINT = "Country focal point", _("Country focal point")
    SECRETARIAT = "Secretariat", _("Technical Secretariat")


STAFF_ROLES = (Role.TRAINER, Role.FOCAL_POINT, Role.SECRETARIAT)

# Role names are read on every request (the 2FA rule, menus, scopes), so they are kept in the shared cache: a change
# of someone's groups drops that person's entry; a change to a group itself, or a group emptied, moves on a
# generation that makes every entry stale (connected in AccountsConfig.ready).
ROLES_GENERATION_KEY = "accounts:roles:generation"
ROLES_TIMEOUT = 300


def _roles_key(user_id) -> str:
    return f"accounts:roles:{user_id}"


def role_names_of(user) -> frozenset[str]:
    """The names of the user's groups (their roles)."""
    from courses.cache import generation_cached

    return generation_cached(_roles_key(user.pk), lambda: frozenset(user.groups.values_list("name", flat=True)),
                             ROLES_TIMEOUT, generation_key=ROLES_GENERATION_KEY)


def user_groups_changed(sender=None, instance=None, action="", reverse=False, pk_set=None, **kwargs) -> None:
    """m2m_changed on User.groups: forget the role names of the users whose groups changed."""
    from django.core.cache import cache

    if not action.startswith("post_"):
        return
    if not reverse:  # user.groups.add/remove/clear/set: one user
        cache.delete(_roles_key(instance.pk))
    elif pk_set:  # group.user_set.add/remove: these users
        cache.delete_many([_roles_key(pk) for pk in pk_set])
    else:  # group.user_set.clear(): who was in it is no longer known
        group_changed()


def group_changed(**kwargs) -> None:
    """post_save/post_delete of a Group (renamed, deleted): every cached role list is stale."""
    from courses.cache import invalidate

    invalidate(ROLES_GENERATION_KEY)

_CRM_MODELS = ("crmcountry", "observerorganisation", "network", "actionplanline", "topic", "presidencyterm")

# "app_label.codename" permissions each role holds. Later capabilities extend this table.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.LEARNER: set(),
    Role.TRAINER: {"wagtailadmin.access_admin", "wagtail_localize.submit_translation",
                   "h5p.add_h5ppackage", "h5p.change_h5ppackage", "h5p.view_h5ppackage",
                   "certificates.view_certificatetemplate"}
    | {f"crm.view_{m}" for m in _CRM_MODELS},
    Role.FOCAL_POINT: {"wagtailadmin.access_admin"} | {f"crm.view_{m}" for m in _CRM_MODELS},
    Role.SECRETARIAT: {"wagtailadmin.access_admin", "wagtail_localize.submit_translation",
                       "accounts.view_institution", "accounts.add_institution", "accounts.change_institution",
                       "h5p.view_h5ppackage", "certificates.view_certificate",
                       "certificates.add_certificatetemplate", "certificates.change_certificatetemplate",
                       "certificates.view_certificatetemplate"}
    | {f"crm.{action}_{m}" for m in _CRM_MODELS for action in ("view", "add", "change")}
    | {f"metrics.{action}_countrytarget" for action in ("view", "add", "change", "delete")},
}

# Permissions on Wagtail's root collection (images and documents are permissioned per collection).
_MEDIA = {"wagtailimages.add_image", "wagtailimages.choose_image", "wagtaildocs.add_document",
          "wagtaildocs.choose_document"}
ROLE_COLLECTION_PERMISSIONS: dict[str, set[str]] = {
    Role.TRAINER: _MEDIA,
    Role.SECRETARIAT: _MEDIA | {"wagtailimages.change_image", "wagtaildocs.change_document"},
}


def roles_sync_permissions(sender=None, **kwargs) -> None:
    """Grant every role the permissions in ROLE_PERMISSIONS (adds only; idempotent; runs after migrate)."""
    from django.contrib.auth.models import Group, Permission

    for role, wanted in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=role).first()
        if group is None or not wanted:
            continue
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                group.permissions.add(permission)
    _sync_collection_permissions()


def _sync_collection_permissions() -> None:
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    if root is None:
        return
    for role, wanted in ROLE_COLLECTION_PERMISSIONS.items():
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
