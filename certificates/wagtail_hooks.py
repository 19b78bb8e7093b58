"""Certificates in the Wagtail admin: templates (Secretariat), and issued certificates with revoke and reissue."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from certificates import services
from certificates.models import Certificate, CertificateTemplate
from core.choosers import ViewPermissionChooserViewSet


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    list_display = ["name", "orientation", "language_mode", "second_language", "updated_at"]


class CertificateViewSet(SnippetViewSet):
    model = Certificate
    icon = "success"
    list_display = ["display_code", "learner_name", "subject_title", "issued_on", "status"]
    list_filter = ["status", "kind", "issued_on"]
    search_fields = ["learner_name", "subject_title", "code"]
    inspect_view_enabled = True
    # Its chooser would list every learner's certificate to any trainer or focal point (access-matrix test).
    chooser_viewset_class = ViewPermissionChooserViewSet
    # Certificates come from completions, not from the admin form; they change only through revoke and reissue.
    add_to_admin_menu = False
    panels = []

    def get_queryset(self, request):
        return Certificate.objects.select_related("template")


class CertificatesGroup(SnippetViewSetGroup):
    items = (CertificateViewSet, CertificateTemplateViewSet)
    menu_icon = "success"
    menu_label = _("Certificates")
    menu_name = "certificates"
    menu_order = 270


register_snippet(CertificatesGroup)


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action("certificates.revoke", _("Revoke certificate"), _("Certificate revoked"))
    actions.register_action("certificates.reissue", _("Reissue certificate"), _("Certificate reissued"))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReissueForm(forms.Form):
    learner_name = forms.CharField(label=_("Name on the new certificate"), max_length=200)


def _secretariat_only(request):
    if not (request.user.is_superuser or request.user.is_secretariat):
        raise PermissionDenied


def revoke_view(request, pk: int):
    _secretariat_only(request)
    certificate = get_object_or_404(Certificate, pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(certificate=certificate, user=request.user,
                                        reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Certificate %(code)s revoked.") % {"code": certificate.display_code})
            return redirect("wagtailsnippets_certificates_certificate:list")
    return TemplateResponse(request, "certificates/admin/action.html", {
        "certificate": certificate, "form": form, "title": _("Revoke certificate"),
        "submit": _("Revoke"), "action": reverse("certificates_revoke", args=[pk])})


def reissue_view(request, pk: int):
    _secretariat_only(request)
    certificate = get_object_or_404(Certificate.objects.select_related("user"), pk=pk)
    form = ReissueForm(request.POST or None, initial={"learner_name": certificate.user.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.certificate_reissue(certificate=certificate, user=request.user,
                                               learner_name=form.cleaned_data["learner_name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Certificate reissued as %(code)s.") % {"code": new.display_code})
            return redirect("wagtailsnippets_certificates_certificate:list")
    return TemplateResponse(request, "certificates/admin/action.html", {
        "certificate": certificate, "form": form, "title": _("Reissue certificate"),
        "submit": _("Reissue"), "action": reverse("certificates_reissue", args=[pk])})


@hooks.register("register_admin_urls")
def register_certificate_action_urls():
    from certificates import admin_views

    return [
        path("certificates/<int:pk>/revoke/", revoke_view, name="certificates_revoke"),
        path("certificates/<int:pk>/reissue/", reissue_view, name="certificates_reissue"),
        path("certificates/jobs/", admin_views.job_new, name="certificates_jobs"),
        path("certificates/jobs/<int:pk>/", admin_views.job_detail, name="certificates_job"),
        path("certificates/jobs/<int:pk>/status/", admin_views.job_status, name="certificates_job_status"),
        path("certificates/jobs/<int:pk>/zip/", admin_views.job_download, name="certificates_job_download"),
    ]


@hooks.register("register_admin_menu_item")
def register_certificate_jobs_menu_item():
    from wagtail.admin.menu import MenuItem

    class JobsMenuItem(MenuItem):
        def is_shown(self, request):
            user = request.user
            return user.is_superuser or user.is_secretariat or user.is_trainer

    return JobsMenuItem(_("Certificates of a course"), reverse("certificates_jobs"), icon_name="success",
                        order=275)


@hooks.register("register_snippet_listing_buttons")
def certificate_listing_buttons(snippet, user, next_url=None):
    from wagtail.admin.widgets import ListingButton

    if isinstance(snippet, Certificate) and (user.is_superuser or user.is_secretariat):
        if snippet.status in (Certificate.Status.VALID, Certificate.Status.PENDING):
            yield ListingButton(_("Revoke"), reverse("certificates_revoke", args=[snippet.pk]), priority=30)
        if snippet.status != Certificate.Status.SUPERSEDED:
            yield ListingButton(_("Reissue"), reverse("certificates_reissue", args=[snippet.pk]), priority=40)
