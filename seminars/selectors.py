"""Reading seminars: who may see them, the calendar with filters, a visitor's registration."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from courses.models import Audience
from courses.selectors import audience_q, user_sees_everything
from crm.models import Topic
from seminars.models import Modality, Registration, SeminarPage

OPEN_STATUSES = (Registration.Status.PENDING, Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)


def visible_seminars_q(user) -> Q:
    """The same audience rules as courses: open seminars, plus those for the user's group or that they organise."""
    return audience_q(user, staff_field="organisers")


def seminar_visible_to(user, seminar: SeminarPage) -> bool:
    if seminar.audience == Audience.EVERYONE or user_sees_everything(user):
        return True
    if not user.is_authenticated:
        return False
    return SeminarPage.objects.filter(pk=seminar.pk).filter(visible_seminars_q(user)).exists()


def registration_for(*, user, seminar: SeminarPage) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(user=user, seminar_key=seminar.translation_key).first()


def is_organiser(*, user, seminar: SeminarPage) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_secretariat:
        return True
    return SeminarPage.objects.filter(translation_key=seminar.translation_key, organisers=user).exists()


def seats_taken(seminar: SeminarPage) -> int:
    """Confirmed participants in the seminar identity (every language version counts)."""
    return Registration.objects.filter(seminar_key=seminar.translation_key,
                                       status=Registration.Status.CONFIRMED).count()


def seats_left(seminar: SeminarPage) -> int | None:
    """Seats still free, or None when the seminar has no capacity limit. One count for the page and the rules."""
    if seminar.capacity is None:
        return None
    return max(seminar.capacity - seats_taken(seminar), 0)


def seminar_page_state(*, seminar: SeminarPage, user) -> dict:
    """What the seminar page shows this visitor: registration, whether the online link is theirs to see."""
    registration = registration_for(user=user, seminar=seminar)
    confirmed = registration is not None and registration.status == Registration.Status.CONFIRMED
    organiser = is_organiser(user=user, seminar=seminar)
    return {
        "registration": registration,
        "show_link": bool(seminar.online_link) and (confirmed or organiser),
        "sessions": seminar.session_list,
        "seats_left": seats_left(seminar),
        "can_manage": organiser,
    }


@dataclass
class SeminarFilters:
    topic: str = ""
    country: str = ""
    modality: str = ""
    month: str = ""  # YYYY-MM


def seminar_listing(*, index, user, params) -> dict:
    """Upcoming seminars (filtered by topic, host country, modality, month) and the latest past ones."""
    filters = SeminarFilters(topic=params.get("topic", "")[:60], country=params.get("country", "")[:2].upper(),
                             modality=params.get("modality", "") if params.get("modality") in Modality.values
                             else "", month=params.get("month", "")[:7])
    # Every seminar once, in the calendar's language when translated, otherwise in the language it was written in.
    versions = (SeminarPage.objects.live().filter(visible_seminars_q(user)).distinct()
                .values_list("pk", "translation_key", "locale_id"))
    chosen: dict = {}
    for pk, key, locale_id in versions:
        if key not in chosen or locale_id == index.locale_id:
            chosen[key] = pk
    seminars = SeminarPage.objects.filter(pk__in=chosen.values()).order_by("starts_at")
    now = timezone.now()
    upcoming = seminars.filter(ends_at__gte=now)
    if filters.topic:
        upcoming = upcoming.filter(topics__slug=filters.topic)
    if filters.country:
        upcoming = upcoming.filter(host_country=filters.country)
    if filters.modality:
        upcoming = upcoming.filter(modality=filters.modality)
    if len(filters.month) == 7 and filters.month[4] == "-" and filters.month.replace("-", "").isdigit():
        year, month = int(filters.month[:4]), int(filters.month[5:])
        upcoming = upcoming.filter(starts_at__year=year, starts_at__month=month)
    past = seminars.filter(ends_at__lt=now).order_by("-starts_at")[:10]
    return {"upcoming": list(upcoming), "past": list(past), "filters": filters, "modalities": Modality.choices,
            "topics": list(Topic.objects.order_by("slug"))}


def learner_seminars(*, user) -> list[Registration]:
    """The learner's seminar registrations (not withdrawn), soonest first; one query."""
    return list(Registration.objects.filter(user=user, seminar__isnull=False)
                .exclude(status=Registration.Status.WITHDRAWN).select_related("seminar")
                .order_by("seminar__starts_at"))
