from allauth.mfa.totp.views import activate_totp
from django.core.exceptions import PermissionDenied


def activate_totp_for_staff(request, *args, **kwargs):
    """TOTP enrolment is offered to staff roles (trainers, focal points, Secretariat) only."""
    if request.user.is_authenticated and not request.user.has_staff_role:
        raise PermissionDenied
    return activate_totp(request, *args, **kwargs)
