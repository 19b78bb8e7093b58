"""Reads on CRM reference data."""

from datetime import date

from crm.models import CrmCountry, PresidencyTerm


def crm_country_codes(*, status: str | None = None) -> set[str]:
    """ISO codes of CRM countries (members and observers, or one status)."""
    qs = CrmCountry.objects.all()
    if status:
        qs = qs.filter(status=status)
    return {str(code) for code in qs.values_list("country", flat=True)}


def presidency_term_for(day: date) -> PresidencyTerm | None:
    """The pro-tempore presidency in office on `day`, if one is recorded."""
    return PresidencyTerm.objects.filter(start_date__lte=day, end_date__gte=day).order_by("number").first()
