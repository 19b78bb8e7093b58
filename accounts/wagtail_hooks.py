"""Admin wiring for accounts: the Secretariat's page for learners' personal-data requests."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_admin_urls")
def register_personal_data_urls():
    from accounts import admin_views

    return [path("accounts/personal-data/", admin_views.personal_data, name="accounts_personal_data")]


@hooks.register("register_admin_menu_item")
def register_personal_data_menu_item():
    from wagtail.admin.menu import MenuItem

    class SecretariatMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.is_superuser or request.user.is_secretariat

    return SecretariatMenuItem(_("Personal data requests"), reverse("accounts_personal_data"), icon_name="user",
                               order=900)
