from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from accounts.roles import Role


def _in_current_language(url: str) -> str:
    """LOGIN_REDIRECT_URL ("/") is the Spanish home page: someone who signs up, signs in or confirms their address
    in /en/ or /fr/ lands on the home page of that language instead."""
    if url == settings.LOGIN_REDIRECT_URL:
        return reverse("wagtail_serve", args=[""])  # under i18n_patterns: "/en/" while English is active
    return url


class AccountAdapter(DefaultAccountAdapter):
    """Every self-registered account starts as a Learner; redirects keep the visitor's language."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from accounts.services import role_assign

            role_assign(user=user, role=Role.LEARNER)
        return user

    def get_login_redirect_url(self, request):
        return _in_current_language(super().get_login_redirect_url(request))

    def get_signup_redirect_url(self, request):
        # Also where the login that follows e-mail confirmation goes: the signup request stores it.
        return _in_current_language(super().get_signup_redirect_url(request))
