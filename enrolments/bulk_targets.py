"""What a bulk upload enrols officials into: a course or a seminar.

The importer (`enrolments/bulk.py`) reads the file, checks e-mails, countries, institutions and accounts, and
writes the report the same way for both. A target answers only what differs: who already holds a place, who
runs it (its audience never hides it from them), how many seats are left and what happens when there are none,
whether it takes registrations now, how one row is applied, and what reports and invitations call things.
Every question about the whole file is one query, so validation stays constant in the number of rows.
"""

from abc import ABC, abstractmethod

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.models import Audience, CoursePage
from crm.models import Network
from crm.selectors import crm_country_codes
from enrolments import services as enrolment_services
from enrolments.models import SEAT_STATUSES, Enrollment
from enrolments.selectors import course_seats_left
from seminars import selectors as seminar_selectors
from seminars import services as seminar_services
from seminars.models import Registration, SeminarPage


class Outcome:
    CREATE = "create"  # a new account is created and enrolled (registered)
    ENROL = "enrol"  # an existing account is enrolled (registered)
    WAITLIST = "waitlist"  # seminars only: full, so the official (new or existing account) joins the waiting list
    ALREADY = "already"  # already holds a place: nothing to do, not an error
    ERROR = "error"

    APPLICABLE = (CREATE, ENROL, WAITLIST)


class BulkTarget(ABC):
    """A course or a seminar as the importer sees it; all language versions are one target."""

    kind = ""
    outcomes: tuple[str, ...] = ()

    def __init__(self, page: Page):
        self.page = page

    @property
    def key(self):
        return self.page.translation_key

    @property
    def title(self) -> str:
        return self.page.title

    # --- Read in bulk, once per file ------------------------------------------------------------------------

    @abstractmethod
    def statuses(self, user_ids: list[int]) -> dict[int, str]:
        """User id → status of their enrolment or registration, for these users (one query)."""

    @abstractmethod
    def staff_ids(self) -> set[int]:
        """Trainers or organisers of any language version (one query)."""

    def network_members(self) -> set[int]:
        if self.page.audience == Audience.NETWORK and self.page.audience_network_id:
            return set(Network.members.through.objects.filter(network_id=self.page.audience_network_id)
                       .values_list("user_id", flat=True))
        return set()

    @abstractmethod
    def seats_left(self) -> int | None:
        """Seats still free across all language versions; None when there is no limit."""

    @abstractmethod
    def window_error(self) -> str:
        """Why the target takes no one now (unpublished, closed, over), or an empty string."""

    # --- Per-row wording and rules --------------------------------------------------------------------------

    @abstractmethod
    def already(self, status: str | None) -> str:
        """The report's reason when this status already holds a place, else an empty string."""

    @abstractmethod
    def audience_refused(self) -> str:
        """The report's reason for an official outside the target's audience."""

    @abstractmethod
    def no_seat(self, *, new_account: bool) -> tuple[str, str]:
        """(outcome, reason) of a valid row when no seat is left."""

    @classmethod
    @abstractmethod
    def labels(cls) -> dict[str, str]:
        """Outcome → how the report names it for this kind of target."""

    # --- Applying --------------------------------------------------------------------------------------------

    def lock(self) -> None:
        """Lock every language version, so the seats counted while applying are the seats there are."""
        from core.participation import page_versions_lock

        self.page = page_versions_lock(self.page)

    @abstractmethod
    def apply(self, *, actor, user, notify: bool) -> bool:
        """Enrol or register one official as the actor's nomination; True when they joined a waiting list."""

    def waitlisted(self, user_ids: list[int]) -> set[int]:
        """Which of these users are on the waiting list (their invitation says so)."""
        return set()

    def versions(self) -> dict[str, Page]:
        """Language code → language version, so each invitation names the target in its reader's language."""
        return {version.locale.language_code: version for version in
                type(self.page).objects.filter(translation_key=self.key).select_related("locale")}


class CourseTarget(BulkTarget):
    kind = "course"
    outcomes = (Outcome.CREATE, Outcome.ENROL, Outcome.ALREADY, Outcome.ERROR)

    def statuses(self, user_ids):
        return dict(Enrollment.objects.filter(course_key=self.key, user_id__in=user_ids)
                    .values_list("user_id", "status"))

    def staff_ids(self):
        return set(CoursePage.trainers.through.objects.filter(coursepage__translation_key=self.key)
                   .values_list("user_id", flat=True))

    def seats_left(self):
        return course_seats_left(self.page)

    def window_error(self):
        if not self.page.live:
            return _("This course is not published.")
        error = enrolment_services.enrollment_window_error(self.page, timezone.now())
        return error.message if error else ""

    def already(self, status):
        return _("Already enrolled in this course.") if status in SEAT_STATUSES else ""

    def audience_refused(self):
        return _("This course is not open to this official (audience restriction).")

    def no_seat(self, *, new_account):
        return Outcome.ERROR, _("No seat left in this course for this official.")

    @classmethod
    def labels(cls):
        return {
            Outcome.CREATE: _("Account created and enrolled"),
            Outcome.ENROL: _("Existing account enrolled"),
            Outcome.ALREADY: _("Already enrolled"),
            Outcome.ERROR: _("Error"),
        }

    def apply(self, *, actor, user, notify):
        # Looked up on the module at call time, so tests can stand in for the service.
        enrolment_services.enrollment_nominate(actor=actor, user=user, course=self.page, notify=notify)
        return False


class SeminarTarget(BulkTarget):
    kind = "seminar"
    outcomes = (Outcome.CREATE, Outcome.ENROL, Outcome.WAITLIST, Outcome.ALREADY, Outcome.ERROR)

    def statuses(self, user_ids):
        return dict(Registration.objects.filter(seminar_key=self.key, user_id__in=user_ids)
                    .values_list("user_id", "status"))

    def staff_ids(self):
        return set(SeminarPage.organisers.through.objects.filter(seminarpage__translation_key=self.key)
                   .values_list("user_id", flat=True))

    def seats_left(self):
        return seminar_selectors.seats_left(self.page)

    def window_error(self):
        if not self.page.live:
            return _("This seminar is not published.")
        error = seminar_services.registration_window_error(self.page, timezone.now())
        return error.message if error else ""

    def already(self, status):
        if status == Registration.Status.PENDING:
            return _("This official's request is waiting for approval: decide it under “Seminar registrations”.")
        if status == Registration.Status.CONFIRMED:
            return _("Already registered for this seminar.")
        if status == Registration.Status.WAITLISTED:
            return _("Already on this seminar's waiting list.")
        return ""

    def audience_refused(self):
        return _("This seminar is not open to this official (audience restriction).")

    def no_seat(self, *, new_account):
        if new_account:
            return Outcome.WAITLIST, _("The seminar is full: a new account will be created, invited by e-mail and "
                                       "put on the waiting list.")
        return Outcome.WAITLIST, _("The seminar is full: this official joins the waiting list.")

    @classmethod
    def labels(cls):
        return {
            Outcome.CREATE: _("Account created and registered"),
            Outcome.ENROL: _("Existing account registered"),
            Outcome.WAITLIST: _("On the waiting list"),
            Outcome.ALREADY: _("Already registered"),
            Outcome.ERROR: _("Error"),
        }

    def apply(self, *, actor, user, notify):
        registration = seminar_services.registration_nominate(actor=actor, user=user, seminar=self.page,
                                                              notify=notify)
        return registration.status == Registration.Status.WAITLISTED

    def waitlisted(self, user_ids):
        return set(Registration.objects.filter(seminar_key=self.key, user_id__in=user_ids,
                                               status=Registration.Status.WAITLISTED)
                   .values_list("user_id", flat=True))


TARGETS: dict[str, type[BulkTarget]] = {CourseTarget.kind: CourseTarget, SeminarTarget.kind: SeminarTarget}


def bulk_target(page: Page) -> BulkTarget:
    """The target adapter of a course or seminar page."""
    page = page.specific if type(page) is Page else page
    if isinstance(page, SeminarPage):
        return SeminarTarget(page)
    if isinstance(page, CoursePage):
        return CourseTarget(page)
    raise TypeError(f"Officials cannot be bulk-enrolled into {type(page).__name__}")


# --- What an uploader may choose ----------------------------------------------------------------------------

def _choosable_q(user) -> Q:
    """Targets whose audience can include officials of the uploader's scope.

    The Secretariat chooses any; a focal point only those open to everyone, to member-state officials when
    theirs is a member state, or to a network with members from their country. Rows are then checked one by one.
    """
    if user.is_secretariat:
        return Q()
    if not user.is_focal_point:
        return Q(pk__in=[])
    country = user.focal_point_country.code
    q = Q(audience=Audience.EVERYONE) | Q(audience=Audience.NETWORK,
                                         audience_network__in=Network.objects.filter(members__country=country))
    if country in crm_country_codes(status="member"):
        q |= Q(audience=Audience.MEMBER_OFFICIALS)
    return q


def bulk_courses_for(user) -> QuerySet[CoursePage]:
    """Published courses the user may bulk-enrol officials into."""
    return CoursePage.objects.live().filter(_choosable_q(user))


def bulk_seminars_for(user) -> QuerySet[SeminarPage]:
    """Published seminars, not yet over, the user may bulk-register officials for."""
    return SeminarPage.objects.live().filter(ends_at__gte=timezone.now()).filter(_choosable_q(user))


def target_allowed(user, page: Page) -> bool:
    """Whether the user may upload a file for this course or seminar (whatever its state: the report says)."""
    return type(page).objects.filter(pk=page.pk).filter(_choosable_q(user)).exists()
