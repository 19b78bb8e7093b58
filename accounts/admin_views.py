"""Secretariat admin: a learner's personal-data requests (a copy of their data, or erasure) handled on their behalf."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin import messages

from accounts.forms import StaffErasureForm
from accounts.privacy import personal_data_erase, personal_data_export_json


def personal_data(request):
    """Find a learner by e-mail; "export" downloads their data, "erase" (with the box ticked) erases it."""
    if not (request.user.is_superuser or request.user.is_secretariat):
        raise PermissionDenied
    form = StaffErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        learner = form.learner
        if request.POST.get("action") == "export":
            response = HttpResponse(personal_data_export_json(user=learner), content_type="application/json")
            response["Content-Disposition"] = (
                f'attachment; filename="campus-crm-user-{learner.pk}-{timezone.localdate():%Y-%m-%d}.json"')
            response["Cache-Control"] = "private, no-store"
            return response
        if not form.cleaned_data["confirm"]:
            form.add_error("confirm", _("Tick the box to confirm the erasure."))
        else:
            try:
                personal_data_erase(user=learner, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The learner's personal data was erased."))
                return redirect("accounts_personal_data")
    return TemplateResponse(request, "accounts/admin/personal_data.html", {"form": form},
                            status=400 if form.errors else 200)
