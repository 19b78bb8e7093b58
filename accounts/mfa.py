"""Two-factor authentication is required of the roles that see other people's data across a country or the region.

Focal points and the Technical Secretariat (and superusers) must have an authenticator app (TOTP, through
allauth.mfa) before they can use the platform: until then every page sends them to set one up, and they cannot
remove it afterwards. Learners and trainers may add one, but need not. settings.MFA_REQUIRED switches the rule off
only for the unit tests that log users in directly (the tests of this module switch it back on).
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from accounts.roles import Role

REQUIRED_ROLES = (Role.FOCAL_POINT, Role.SECRETARIAT)
# URL names a user without an authenticator may still reach: setting one up, leaving, changing language.
OPEN_URL_NAMES = frozenset({
    "mfa_activate_totp", "mfa_index", "mfa_generate_recovery_codes", "mfa_view_recovery_codes",
    "mfa_download_recovery_codes", "account_logout", "account_reauthenticate", "set_language", "healthz",
    "javascript-catalog",
})


def mfa_required(user, *, always: bool = False) -> bool:
    """Whether this account may only use the platform with a second factor (`always`: even where the tests' settings
    switch the rule off)."""
    if not (always or getattr(settings, "MFA_REQUIRED", True)) or not user.is_authenticated:
        return False
    return user.is_superuser or any(user.has_role(role) for role in REQUIRED_ROLES)


def mfa_missing(user) -> bool:
    """The account needs a second factor and has none yet."""
    return mfa_required(user) and not is_mfa_enabled(user, types=[Authenticator.Type.TOTP])


class RequireMFAMiddleware(MiddlewareMixin):
    """Sends focal points and the Secretariat to the authenticator set-up page until they have one."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.url_name in OPEN_URL_NAMES or not mfa_missing(request.user):
            return None
        # The set-up page is reached through accounts.views.activate_totp_for_staff, a path without a name.
        try:
            setup = reverse("mfa_activate_totp")
        except NoReverseMatch:  # a URLconf without allauth (some tests): nothing to send the user to
            return None
        if request.path_info == setup:
            return None
        if request.method not in ("GET", "HEAD"):
            return HttpResponseForbidden(_("Set up two-step verification before you continue."),
                                         content_type="text/plain; charset=utf-8")
        messages.info(request, _("Your role gives access to other people's data: set up two-step verification "
                                 "with an authenticator app to continue."), fail_silently=True)
        return redirect(setup)


class MFAAdapter(DefaultMFAAdapter):
    """Those who must use a second factor cannot remove their authenticator app (they may replace it via support)."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
