"""Registration (open, approval, invitation; capacity with a waiting list), attendance and its certificate."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.participation import page_versions_lock, participant_snapshot
from courses.models import EnrolmentPolicy
from seminars import notifications
from seminars.models import Attendance, Registration, SeminarPage
from seminars.selectors import OPEN_STATUSES, is_organiser, seats_left, seminar_visible_to

Status = Registration.Status


class RegistrationError(ValidationError):
    """A registration the rules refuse; the message is shown as is."""


def _has_seat(seminar: SeminarPage) -> bool:
    return seats_left(seminar) != 0


def registration_window_error(seminar: SeminarPage, now) -> RegistrationError | None:
    """Why the seminar refuses registrations at `now` (deadline passed, seminar over), or None when open."""
    if seminar.registration_deadline and now > seminar.registration_deadline:
        return RegistrationError(_("Registration for this seminar has closed."), code="closed")
    if seminar.ends_at < now:
        return RegistrationError(_("This seminar is over."), code="over")
    return None


def _place(registration: Registration, seminar: SeminarPage, now) -> None:
    """Confirm when a seat is free, else put on the waiting list (in order of arrival)."""
    if _has_seat(seminar):
        registration.status, registration.confirmed_at = Status.CONFIRMED, now
    else:
        registration.status, registration.waitlisted_at = Status.WAITLISTED, now


@transaction.atomic
def registration_request(*, user, seminar: SeminarPage, nominated_by=None, notify: bool = True) -> Registration:
    """Register (or, for a focal point's nomination, register someone): confirmed, waitlisted or pending approval.

    An existing open registration is returned unchanged. `notify=False` when the caller sends its own message
    (bulk invitations of new accounts).
    """
    seminar = page_versions_lock(seminar)
    if not seminar.live or not seminar_visible_to(user, seminar):
        raise RegistrationError(_("This seminar is not available to you."), code="not_available")
    existing = Registration.objects.select_for_update().filter(user=user, seminar_key=seminar.translation_key).first()
    if existing and existing.status in OPEN_STATUSES:
        return existing
    now = timezone.now()
    if error := registration_window_error(seminar, now):
        raise error
    if seminar.registration_policy == EnrolmentPolicy.INVITATION and nominated_by is None:
        raise RegistrationError(_("This seminar is by invitation only."), code="invitation_only")
    registration = existing or Registration(user=user, seminar_key=seminar.translation_key)
    registration.seminar = seminar
    registration.ended_at = None
    registration.decision_reason = ""
    registration.requested_at = now
    registration.decided_by = nominated_by
    participant_snapshot(registration, user)
    if seminar.registration_policy == EnrolmentPolicy.APPROVAL and nominated_by is None:
        registration.status = Status.PENDING
    else:
        _place(registration, seminar, now)
    registration.save()
    if notify:
        transaction.on_commit(lambda: notifications.registration_status_email(registration))
    return registration


def can_decide(actor, registration: Registration) -> bool:
    if actor.is_secretariat or actor.is_superuser:
        return True
    return bool(actor.is_focal_point and registration.country and actor.focal_point_country == registration.country)


@transaction.atomic
def registration_nominate(*, actor, user, seminar: SeminarPage, notify: bool = True) -> Registration:
    """A focal point registers an official of their own country (the Secretariat: anyone), whatever the policy:
    confirmed, or on the waiting list when the seminar is full."""
    if not (actor.is_secretariat or actor.is_superuser
            or (actor.is_focal_point and user.country and actor.focal_point_country == user.country)):
        raise PermissionDenied(_("You can only nominate officials of your own country."))
    return registration_request(user=user, seminar=seminar, nominated_by=actor, notify=notify)


@transaction.atomic
def registration_decide(*, actor, registration: Registration, approve: bool, reason: str = "") -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not can_decide(actor, registration):
        raise PermissionDenied(_("You cannot decide on this registration."))
    if registration.status != Status.PENDING:
        raise RegistrationError(_("This request was already decided."), code="decided")
    seminar = page_versions_lock(registration.seminar)
    now = timezone.now()
    registration.decided_by = actor
    if approve:
        _place(registration, seminar, now)
    else:
        if not reason.strip():
            raise RegistrationError(_("Give a reason for the rejection."), code="reason")
        registration.status, registration.ended_at, registration.decision_reason = Status.REJECTED, now, reason
    registration.save()
    transaction.on_commit(lambda: notifications.registration_status_email(registration))
    return registration


@transaction.atomic
def registration_withdraw(*, user, registration: Registration) -> Registration:
    """The participant withdraws; a freed seat goes to the first person on the waiting list."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.user_id != user.pk:
        raise PermissionDenied
    if registration.status not in OPEN_STATUSES:
        return registration
    seminar = page_versions_lock(registration.seminar)
    freed = registration.status == Status.CONFIRMED
    registration.status, registration.ended_at = Status.WITHDRAWN, timezone.now()
    registration.save(update_fields=["status", "ended_at"])
    if freed:
        waitlist_promote(seminar=seminar)
    return registration


def waitlist_promote(*, seminar: SeminarPage) -> list[Registration]:
    """Fill free seats from the waiting list, first come first served (call with the seminar locked)."""
    promoted = []
    now = timezone.now()
    queue = (Registration.objects.select_for_update().filter(seminar_key=seminar.translation_key,
                                                             status=Status.WAITLISTED)
             .order_by("waitlisted_at", "pk"))
    for registration in queue:
        if not _has_seat(seminar):
            break
        registration.status, registration.confirmed_at = Status.CONFIRMED, now
        registration.save(update_fields=["status", "confirmed_at"])
        promoted.append(registration)
        transaction.on_commit(lambda r=registration: notifications.registration_status_email(r, promoted=True))
    return promoted


@transaction.atomic
def attendance_mark(*, actor, seminar: SeminarPage, marks: dict[tuple[int, str], bool]) -> int:
    """Record presence for (registration id, session key) pairs; organisers and the Secretariat only.

    Returns how many marks changed. Participants who reach the seminar's threshold get their certificate.
    """
    if not is_organiser(user=actor, seminar=seminar):
        raise PermissionDenied(_("Only the seminar's organisers mark attendance."))
    session_keys = {str(session.key) for session in seminar.session_list}
    registrations = {r.pk: r for r in Registration.objects.filter(seminar_key=seminar.translation_key,
                                                                  status=Status.CONFIRMED)}
    changed = 0
    now = timezone.now()
    for (registration_id, session_key), present in marks.items():
        if registration_id not in registrations or str(session_key) not in session_keys:
            raise RegistrationError(_("Attendance can only be marked for confirmed participants and this "
                                      "seminar's sessions."), code="unknown")
        row, created = Attendance.objects.get_or_create(
            registration_id=registration_id, session_key=session_key,
            defaults={"present": present, "marked_by": actor, "marked_at": now})
        if not created and row.present != present:
            row.present, row.marked_by, row.marked_at = present, actor, now
            row.save(update_fields=["present", "marked_by", "marked_at"])
            changed += 1
        elif created:
            changed += 1
    for registration_id in {registration_id for registration_id, _key in marks}:
        attendance_check(registration=registrations[registration_id], seminar=seminar)
    return changed


def attendance_share(*, registration: Registration, seminar: SeminarPage) -> float:
    total = len(seminar.session_list)
    if not total:
        return 0.0
    keys = [session.key for session in seminar.session_list]
    present = Attendance.objects.filter(registration=registration, session_key__in=keys, present=True).count()
    return present / total


def attendance_check(*, registration: Registration, seminar: SeminarPage) -> bool:
    """Mark the seminar attended (once) when the share of sessions reaches the threshold; then issue the
    certificate of attendance through the certificates pipeline."""
    from certificates.services import certificate_on_seminar_attended

    if registration.attended_at is not None:
        return False
    if attendance_share(registration=registration, seminar=seminar) * 100 < seminar.attendance_threshold:
        return False
    updated = Registration.objects.filter(pk=registration.pk, attended_at__isnull=True).update(
        attended_at=timezone.now())
    if updated:
        transaction.on_commit(lambda: certificate_on_seminar_attended(registration_id=registration.pk))
    return bool(updated)


TRUE_WORDS = {"1", "x", "yes", "y", "si", "sí", "s", "true", "oui", "present", "presente", "présent"}
FALSE_WORDS = {"0", "", "no", "n", "false", "non", "absent", "ausente"}


def attendance_import(*, actor, seminar: SeminarPage, content: bytes) -> int:
    """Attendance from a CSV (columns: email, session — its number in the agenda or its title —, present).

    Every row is checked first; any error refuses the whole file with one message per bad row, and nothing is
    recorded. Returns how many marks changed.
    """
    import csv
    import io

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegistrationError(_("Save the file as CSV UTF-8."), code="encoding") from None
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise RegistrationError(_("The file is empty."), code="empty")
    columns = {name.strip().lower() for name in rows[0].keys() if name}
    missing = {"email", "session", "present"} - columns
    if missing:
        raise RegistrationError(_("Missing column(s): %(columns)s.") % {"columns": ", ".join(sorted(missing))},
                                code="columns")
    sessions = seminar.session_list
    by_title = {session.title.strip().lower(): session for session in sessions}
    registrations = {r.user.email.lower(): r for r in Registration.objects.filter(
        seminar_key=seminar.translation_key, status=Status.CONFIRMED).select_related("user")}
    marks, errors = {}, []
    for number, raw in enumerate(rows, start=2):
        # Cells beyond the header land under the key None as a list: they are ignored, not a server error.
        row = {key.strip().lower(): (value or "").strip() for key, value in raw.items() if key is not None}
        registration = registrations.get(row["email"].lower())
        session_ref = row["session"]
        # isdigit() is also true for "²" and for thousands of digits, which int() refuses or chokes on.
        number_given = session_ref.isascii() and session_ref.isdigit() and len(session_ref) <= 6
        session = (sessions[int(session_ref) - 1] if number_given and 0 < int(session_ref) <= len(sessions)
                   else by_title.get(session_ref.lower()))
        present = row["present"].lower()
        if registration is None:
            errors.append(_("Row %(row)d: %(email)s is not a confirmed participant.") % {
                "row": number, "email": row["email"] or "—"})
        elif session is None:
            errors.append(_("Row %(row)d: no session “%(session)s” in the agenda.") % {
                "row": number, "session": session_ref or "—"})
        elif present not in TRUE_WORDS | FALSE_WORDS:
            errors.append(_("Row %(row)d: write yes or no in “present”, not “%(value)s”.") % {
                "row": number, "value": row["present"]})
        else:
            marks[(registration.pk, str(session.key))] = present in TRUE_WORDS
    if errors:
        raise RegistrationError(errors, code="rows")
    return attendance_mark(actor=actor, seminar=seminar, marks=marks)
