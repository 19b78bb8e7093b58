from allauth.mfa.totp.views import activate_totp
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.forms import ErasureForm
from accounts.privacy import personal_data_erase, personal_data_export_json
from core.ratelimit import rate_limited


def activate_totp_for_staff(request, *args, **kwargs):
    """TOTP enrolment is offered to staff roles (trainers, focal points, Secretariat) only."""
    if request.user.is_authenticated and not request.user.has_staff_role:
        raise PermissionDenied
    return activate_totp(request, *args, **kwargs)


# --- Personal data: export and erasure (accounts.privacy) ------------------------------------------------------

# Wrong passwords on the erasure form: at most this many per user in the window, like the sign-in form's limits.
ERASE_ATTEMPTS = (5, 300)


@login_required
@require_GET
def my_data(request):
    """What the platform holds about the signed-in person: a download of all of it, and the erasure form."""
    return render(request, "accounts/my_data.html", {"form": ErasureForm(user=request.user)})


@login_required
@require_GET
def my_data_export(request):
    """The signed-in person's data as a JSON attachment."""
    response = HttpResponse(personal_data_export_json(user=request.user), content_type="application/json")
    filename = f"campus-crm-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def my_data_erase(request):
    """Erase the signed-in person's account after checking their password; sign them out."""
    limit, seconds = ERASE_ATTEMPTS
    if rate_limited("account-erase", str(request.user.pk), limit=limit, seconds=seconds):
        # Checked before the password is, so the form cannot be used to guess it.
        return render(request, "accounts/my_data.html", {
            "form": ErasureForm(user=request.user),
            "limited": _("Too many attempts. Please wait a few minutes and try again.")}, status=429)
    form = ErasureForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "accounts/my_data.html", {"form": form}, status=400)
    try:
        personal_data_erase(user=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "accounts/my_data.html", {"form": form}, status=400)
    logout(request)
    return redirect("accounts:erased")


@require_GET
def erased(request):
    """Confirmation after an erasure (the person is signed out by then)."""
    return render(request, "accounts/erased.html")
