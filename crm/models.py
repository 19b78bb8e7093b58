"""Reference data of the Regional Conference on Migration: who takes part, its networks, plan and terms."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.models import TranslatedNameModel


class CrmCountry(models.Model):
    """A country taking part in the CRM, as a member state or an observer."""

    class Status(models.TextChoices):
        MEMBER = "member", _("Member state")
        OBSERVER = "observer", _("Observer country")

    country = CountryField(_("country"), unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)

    class Meta:
        verbose_name = _("CRM country")
        verbose_name_plural = _("CRM countries")
        ordering = ["status", "country"]

    def __str__(self) -> str:
        return str(self.country.name)


class ObserverOrganisation(TranslatedNameModel):
    """An international organisation with observer status."""

    acronym = models.CharField(_("acronym"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("observer organisation")
        verbose_name_plural = _("observer organisations")
        ordering = ["acronym"]

    def __str__(self) -> str:
        return f"{self.acronym} — {self.name}"


class Network(TranslatedNameModel):
    """A regional network (e.g. the consular protection network); courses may be restricted to its members."""

    slug = models.SlugField(_("slug"), unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    members = models.ManyToManyField(
        "accounts.User", verbose_name=_("members"), related_name="networks", blank=True
    )

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["slug"]


class ActionPlanLine(TranslatedNameModel):
    """One of the four lines of the CRM Action Plan."""

    slug = models.SlugField(_("slug"), unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("Action Plan line")
        verbose_name_plural = _("Action Plan lines")
        ordering = ["sort_order"]


class Topic(TranslatedNameModel):
    """A thematic topic used to classify courses and seminars."""

    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["slug"]


class PresidencyTerm(models.Model):
    """A pro-tempore presidency of the CRM; reports can group activity by term."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    country = CountryField(_("presidency country"))
    city = models.CharField(_("city of the Vice-Ministers' meeting"), max_length=100, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))

    class Meta:
        verbose_name = _("pro-tempore presidency")
        verbose_name_plural = _("pro-tempore presidencies")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="presidency_term_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.roman} — {self.country.name} {self.start_date.year}"

    @property
    def roman(self) -> str:
        return to_roman(self.number)


def to_roman(number: int) -> str:
    """Roman numeral for a positive integer (presidencies are numbered I, II, ... in CRM documents)."""
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, letters in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)
