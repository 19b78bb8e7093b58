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
