"""Write helpers shared by course enrolment and seminar registration: the seat lock and the participant snapshot.

They live here, not in either app, because both apps (and the bulk importer that drives both) need them and
neither may import the other's services without a cycle.
"""

from typing import TypeVar

from django.db.models import Model
from wagtail.models import Page

P = TypeVar("P", bound=Page)


def page_versions_lock(page: P) -> P:
    """Lock every language version of a translatable page, in primary-key order, and return `page` re-read.

    All versions share one seat count, so whoever counts seats must hold every version's row lock; taking them
    in a fixed order keeps two concurrent requests from deadlocking. Call inside a transaction.
    """
    versions = list(type(page).objects.select_for_update().filter(translation_key=page.translation_key)
                    .order_by("pk"))
    return next((version for version in versions if version.pk == page.pk), page)


def participant_snapshot(record: Model, user) -> None:
    """Copy the user's country, institution (and its type, where the record keeps it) and gender onto an
    enrolment or a registration, so statistics stay true when the official later moves."""
    record.country = user.country
    record.institution = user.institution
    record.gender = user.gender
    if hasattr(record, "institution_type"):
        record.institution_type = user.institution.type if user.institution else ""
