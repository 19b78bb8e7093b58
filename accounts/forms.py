from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.users.forms import UserCreationForm, UserEditForm

from accounts.models import Institution, User
from accounts.roles import Role

PROFILE_FIELDS = ["full_name", "country", "institution", "position", "gender", "preferred_language"]


class SignupForm(forms.Form):
    """Extra sign-up fields; allauth calls `signup` after creating the account."""

    full_name = forms.CharField(label=_("Full name"), max_length=255, widget=forms.TextInput(
        attrs={"autocomplete": "name"}))
    country = forms.ChoiceField(label=_("Country"), choices=[])
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.all(), required=False,
        help_text=_("Leave empty if your institution is not listed."),
    )
    position = forms.CharField(label=_("Position"), max_length=255, required=False)
    gender = forms.ChoiceField(
        label=_("Gender (optional)"), choices=[("", "—"), *User.Gender.choices], required=False
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *list(countries)]

    def clean(self):
        data = super().clean()
        institution = data.get("institution")
        if institution and data.get("country") and institution.country.code != data["country"]:
            self.add_error("institution", _("This institution belongs to another country."))
        return data

    def signup(self, request, user):
        for field in PROFILE_FIELDS:
            setattr(user, field, self.cleaned_data.get(field) or ("" if field != "institution" else None))
        user.save()


_ADMIN_FIELDS = ["email", "full_name", "country", "institution", "position", "gender", "preferred_language",
                 "focal_point_country", "is_superuser", "groups"]


class FocalPointCountryMixin:
    """A user put in the focal point group must be tied to a country."""

    def clean(self):
        data = super().clean()
        groups = data.get("groups") or []
        if any(group.name == Role.FOCAL_POINT for group in groups) and not data.get("focal_point_country"):
            self.add_error("focal_point_country", _("A country focal point must be tied to a country."))
        return data


class CampusUserCreationForm(FocalPointCountryMixin, UserCreationForm):
    """Wagtail admin 'add user' form with Campus CRM's fields instead of first/last name."""

    first_name = None
    last_name = None

    class Meta(UserCreationForm.Meta):
        model = User
        fields = _ADMIN_FIELDS


class CampusUserEditForm(FocalPointCountryMixin, UserEditForm):
    """Wagtail admin 'edit user' form with Campus CRM's fields instead of first/last name."""

    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        model = User
        fields = [*_ADMIN_FIELDS, "is_active"]


class ErasureForm(forms.Form):
    """Erasing one's own account: the current password and an explicit confirmation."""

    password = forms.CharField(label=_("Current password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data will be erased and that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that you want to erase your account.")},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="password")
        return password


class StaffErasureForm(forms.Form):
    """The Secretariat acting on a learner's request: find the learner by e-mail, then download or erase."""

    email = forms.EmailField(label=_("Learner's e-mail address"))
    confirm = forms.BooleanField(
        label=_("The learner asked for their account to be erased; I understand this cannot be undone."),
        required=False,
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        learner = User.objects.filter(email__iexact=email, erased_at__isnull=True).first()
        if learner is None:
            raise forms.ValidationError(_("No account has this e-mail address."), code="unknown")
        if learner.is_superuser or learner.has_staff_role:
            raise forms.ValidationError(
                _("This is a staff account: remove its roles before erasing it."), code="staff")
        self.learner = learner
        return email
