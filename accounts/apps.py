from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    # Two AppConfigs live in this module; this one is the app's own.
    default = True
    name = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.roles import roles_sync_permissions

        post_migrate.connect(roles_sync_permissions, dispatch_uid="accounts.roles_sync_permissions")


class CampusUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for Campus CRM's user fields (full name, country, institution...)."""

    user_viewset = "accounts.viewsets.UserViewSet"
