"""The admin form: a new package is uploaded as a file and validated before anything is stored."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from h5p import services
from h5p.models import H5PPackage
from h5p.validation import H5PLimits, H5PValidationError, validate_package


class H5PPackageForm(WagtailAdminModelForm):
    upload = forms.FileField(
        label=_("H5P file (.h5p)"),
        help_text=_("Export the activity from Lumi or h5p.org as an .h5p file. It is checked before it is stored."),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p"}),
    )

    class Meta:
        model = H5PPackage
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validated = None
        if self.instance.pk:
            del self.fields["upload"]  # a stored package's files never change; upload a new one instead
        else:
            self.fields["title"].required = False
            self.fields["title"].help_text = _("Leave empty to use the title inside the package.")

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if not upload.name.lower().endswith(".h5p"):
            raise forms.ValidationError(_("Choose a file ending in .h5p."), code="extension")
        limits = H5PLimits.from_settings()
        try:
            self.validated = validate_package(upload, limits=limits)
        except H5PValidationError as error:
            raise forms.ValidationError(error.messages, code=error.code) from None
        if existing := H5PPackage.objects.filter(sha256=self.validated.sha256).first():
            raise forms.ValidationError(
                _("This package was uploaded before, as “%(title)s”.") % {"title": existing.title},
                code="duplicate_package",
            )
        return upload

    def save(self, commit=True):
        if self.instance.pk:
            return super().save(commit=commit)
        try:
            return services.package_import(
                self.cleaned_data["upload"], user=self.for_user, title=self.cleaned_data.get("title") or "",
                validated=self.validated, package=self.instance,
            )
        except H5PValidationError as error:  # pragma: no cover - the same checks ran in clean_upload
            raise forms.ValidationError(error.messages) from None
