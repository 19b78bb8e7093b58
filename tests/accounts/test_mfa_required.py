"""Focal points, the Secretariat and superusers must use two-step verification; learners and trainers need not."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from accounts.mfa import mfa_missing
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def _rule_on(settings):
    settings.MFA_REQUIRED = True
    cache.clear()
    yield
    cache.clear()


def _log_in(client, user):
    """The real login form (no force_login): password, then the code when the account has an authenticator."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return response


def _code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.parametrize("page", ["/", "/enrolments/", "/admin/", "/admin/metrics/"])
def test_focal_point_without_authenticator_is_sent_to_set_one_up(client, focal_point_mx, page):
    _log_in(client, focal_point_mx)
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE
    # The set-up page itself, logging out and changing language stay open.
    assert client.get(ACTIVATE).status_code in (200, 302)
    assert client.get(ACTIVATE).get("Location", "") != ACTIVATE
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302


def test_secretariat_cannot_change_anything_before_setting_up(client, secretariat):
    _log_in(client, secretariat)
    response = client.post(reverse("account_email"), {"email": "otra@example.org", "action_add": ""})
    assert response.status_code == 403
    assert not secretariat.emailaddress_set.filter(email="otra@example.org").exists()
    assert "two-step" in response.content.decode().lower() or "dos pasos" in response.content.decode().lower()


def test_superuser_is_held_too(client):
    admin = UserFactory(is_superuser=True, is_staff=True, country="CR")
    _log_in(client, admin)
    assert client.get("/admin/")["Location"] == ACTIVATE


@pytest.mark.parametrize("role", ["Learner", "Trainer"])
def test_learners_and_trainers_are_not_held(client, role):
    user = UserFactory(role=role, country="GT")
    _log_in(client, user)
    assert not mfa_missing(user)
    assert client.get("/").status_code == 200


def test_with_an_authenticator_the_secretariat_signs_in_with_password_and_code(client, secretariat):
    secret = generate_totp_secret()
    TOTP.activate(secretariat, secret)
    response = _log_in(client, secretariat)
    assert "/2fa/authenticate/" in response["Location"]
    # Password alone does not sign in.
    assert "_auth_user_id" not in client.session
    assert client.post(response["Location"], {"code": "000000" if _code(secret) != "000000" else "111111"}
                       ).status_code == 200
    assert "_auth_user_id" not in client.session
    client.post(response["Location"], {"code": _code(secret)})
    assert int(client.session["_auth_user_id"]) == secretariat.pk
    assert client.get("/").status_code == 200


def test_the_held_roles_cannot_remove_their_authenticator(client, focal_point_mx, learner):
    TOTP.activate(focal_point_mx, generate_totp_secret())
    client.force_login(focal_point_mx)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=focal_point_mx, type=Authenticator.Type.TOTP).exists()
    assert response.status_code in (302, 403)


def test_the_rule_can_be_switched_off_only_by_setting(settings, focal_point_mx):
    assert mfa_missing(focal_point_mx)
    settings.MFA_REQUIRED = False
    assert not mfa_missing(focal_point_mx)


def test_demo_staff_accounts_have_the_published_authenticator(settings):
    """seed_demo gives the demo's focal point, Secretariat and administrator an authenticator (demo_totp prints
    its code), so the demo can be tried with the rule on."""
    from io import StringIO

    from accounts.models import User
    from core.management.commands.demo_totp import demo_totp_code

    call_command("seed_demo", "--no-stored-figures", stdout=StringIO())
    held = {"enlace.mx@demo.campus-crm.org", "secretaria@demo.campus-crm.org", "admin@demo.campus-crm.org"}
    with_totp = set(Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list("user__email", flat=True))
    assert held <= with_totp
    assert not {"oficial@demo.campus-crm.org", "formadora@demo.campus-crm.org"} & with_totp
    out = StringIO()
    call_command("demo_totp", stdout=out)
    assert out.getvalue().strip() == demo_totp_code()
    user = User.objects.get(email="secretaria@demo.campus-crm.org")
    assert TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)).validate_code(demo_totp_code())


def test_a_lost_phone_is_reset_by_command_and_a_new_app_is_required(client, focal_point_mx):
    from io import StringIO

    from django.core.management.base import CommandError

    TOTP.activate(focal_point_mx, generate_totp_secret())
    out = StringIO()
    call_command("mfa_reset", focal_point_mx.email.upper(), stdout=out)
    assert "1 authenticator(s) removed" in out.getvalue()
    assert not Authenticator.objects.filter(user=focal_point_mx).exists()
    _log_in(client, focal_point_mx)  # password alone now signs in...
    assert client.get("/")["Location"] == ACTIVATE  # ...straight to setting up a new app
    with pytest.raises(CommandError):
        call_command("mfa_reset", "nobody@example.org", stdout=out)
