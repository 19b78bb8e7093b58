from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    # Two AppConfigs live in this module; this one is the app's own.
    default = True
    name = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from accounts.roles import group_changed, roles_sync_permissions, user_groups_changed

        post_migrate.connect(roles_sync_permissions, dispatch_uid="accounts.roles_sync_permissions")
        m2m_changed.connect(user_groups_changed, sender=get_user_model().groups.through,
                            dispatch_uid="accounts.roles_m2m")
        for signal in (post_save, post_delete):
            signal.connect(group_changed, sender=Group, dispatch_uid=f"accounts.roles_group.{id(signal)}")


class CampusUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for Campus CRM's user fields (full name, country, institution...)."""

    user_viewset = "accounts.viewsets.UserViewSet"
