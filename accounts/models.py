"""People on the platform and the institutions they work for."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.managers import UserManager
from accounts.roles import STAFF_ROLES, Role


class Institution(models.Model):
    """A government body (or other organisation) whose officials take part."""

    class Type(models.TextChoices):
        MIGRATION = "migration", _("Migration authority")
        FOREIGN_AFFAIRS = "foreign_affairs", _("Foreign affairs / consular service")
        INTERIOR = "interior", _("Interior / public security")
        POLICE = "police", _("Police / border police")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    country = CountryField(_("country"))
    type = models.CharField(_("type"), max_length=30, choices=Type.choices, default=Type.MIGRATION)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="institution_unique_name_per_country"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})" if self.country else self.name


class User(AbstractUser):
    """A platform user: an official, a trainer, a focal point or a Secretariat member. Logs in by e-mail."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNDISCLOSED = "undisclosed", _("Prefers not to say")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=255)
    country = CountryField(_("country"), blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    position = models.CharField(_("position"), max_length=255, blank=True)
    gender = models.CharField(
        _("gender"),
        max_length=20,
        choices=Gender.choices,
        blank=True,
        help_text=_("Optional. Used only for anonymous, disaggregated statistics."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="es"
    )
    focal_point_country = CountryField(
        _("focal point for country"),
        blank=True,
        help_text=_("Only for country focal points: the one country whose officials they manage."),
    )

    # Set by accounts.privacy.personal_data_erase: the row stays (statistics count it) but holds no personal data.
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True, editable=False)
    erased_by = models.ForeignKey("self", verbose_name=_("erasure requested by"), null=True, blank=True,
                                  editable=False, on_delete=models.SET_NULL, related_name="+")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        # One space between words, whatever the form, import or admin it came through: the name is printed on
        # certificates and matched in rosters.
        self.full_name = " ".join(self.full_name.split())
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @cached_property
    def role_names(self) -> frozenset[str]:
        from accounts.roles import role_names_of

        return role_names_of(self)

    def has_role(self, role: Role) -> bool:
        return role in self.role_names

    @property
    def is_trainer(self) -> bool:
        return self.has_role(Role.TRAINER)

    @property
    def is_focal_point(self) -> bool:
        return self.has_role(Role.FOCAL_POINT) and bool(self.focal_point_country)

    @property
    def is_secretariat(self) -> bool:
        return self.is_superuser or self.has_role(Role.SECRETARIAT)

    @property
    def has_staff_role(self) -> bool:
        return self.is_superuser or any(role in self.role_names for role in STAFF_ROLES)
