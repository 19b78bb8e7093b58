"""Bulk enrolment of officials from a CSV or XLSX file: parse, validate every row, then apply all-or-nothing.

The same importer enrols in a course or registers for a seminar; `enrolments/bulk_targets.py` holds the few
rules that differ. Validation reads everything it needs in a fixed number of queries (users, institutions,
enrolments or registrations, seats are fetched in bulk), so a 5,000-row file validates in about a second.
Applying locks the target and re-validates inside the one transaction that writes, so a file validated an hour
ago cannot enrol anyone the rules now refuse, nor count seats someone else is taking.
"""

import csv
import io
import logging
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Institution, User
from accounts.roles import Role
from core.queue import enqueue_on_commit
from courses.models import Audience, CoursePage
from crm.selectors import crm_country_codes
from enrolments.bulk_models import BulkEnrolmentJob
from enrolments.bulk_targets import TARGETS, BulkTarget, Outcome, bulk_target, target_allowed
from seminars.models import SeminarPage

logger = logging.getLogger(__name__)

Job = BulkEnrolmentJob
JobStatus = BulkEnrolmentJob.Status

REQUIRED_COLUMNS = ("email", "full_name", "country", "institution", "position")
OPTIONAL_COLUMNS = ("gender",)
MAX_ROWS = 10_000
MAX_FILE_BYTES = 5 * 1024 * 1024
# Large IN lists are split so that no database hits its bound-parameter limit; 5,000 rows stay one query.
_IN_CHUNK = 5_000


def outcome_labels(job: Job) -> dict[str, str]:
    """The report's name of each outcome, in the job's terms (enrolled in a course, registered for a seminar)."""
    return TARGETS[job.kind].labels()


class BulkFileError(Exception):
    """The file as a whole cannot be read; the message is shown to the uploader as is."""


class BulkApplyError(Exception):
    """Applying stopped; everything was rolled back. The message is shown to the uploader as is."""


@dataclass
class Row:
    number: int  # the spreadsheet row number (the header is row 1)
    email: str = ""
    full_name: str = ""
    country: str = ""
    institution: str = ""
    position: str = ""
    gender: str = ""


@dataclass
class RowResult:
    row: int
    email: str
    outcome: str
    reason: str = ""
    user_id: int | None = None
    institution_id: int | None = None
    data: dict = field(default_factory=dict)


# --- Reading the file ------------------------------------------------------------------------------------

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _read_csv(raw: bytes) -> list[list[str]]:
    try:
        # utf-8-sig drops the BOM Excel writes when saving as "CSV UTF-8".
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BulkFileError(_(
            "The file is not UTF-8 text. In Excel choose “Save as” → “CSV UTF-8 (comma delimited)”, "
            "or upload the .xlsx workbook."
        )) from exc
    if "\x00" in text:
        raise BulkFileError(_("The file is not a CSV or XLSX file."))
    first_line = text.split("\n", 1)[0]
    # Spanish-locale Excel separates CSV fields with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return [list(record) for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise BulkFileError(_("The file could not be read as CSV: %(error)s") % {"error": exc}) from exc


def _read_xlsx(raw: bytes) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise BulkFileError(_("The file is not a CSV or XLSX file.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(value) for value in record] for record in sheet.iter_rows(values_only=True)]
    except Exception as exc:
        # A damaged workbook can fail in many ways deep inside openpyxl; to the uploader it is one problem.
        raise BulkFileError(_("The workbook could not be read; save it again in Excel or upload a CSV.")) from exc
    finally:
        workbook.close()


def rows_read(*, raw: bytes, name: str = "") -> list[Row]:
    """Parse an uploaded CSV (UTF-8, comma or semicolon) or XLSX into rows. Raises BulkFileError."""
    if not raw.strip():
        raise BulkFileError(_("The file is empty."))
    is_zip = raw[:4] == b"PK\x03\x04"
    if is_zip or name.lower().endswith(".xlsx"):
        records = _read_xlsx(raw)
    elif name and not name.lower().endswith((".csv", ".txt")):
        raise BulkFileError(_("The file is not a CSV or XLSX file."))
    else:
        records = _read_csv(raw)
    records = [[_cell(value) for value in record] for record in records]
    header_index = next((i for i, record in enumerate(records) if any(record)), None)
    if header_index is None:
        raise BulkFileError(_("The file is empty."))
    header = [value.strip().lower().replace(" ", "_") for value in records[header_index]]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise BulkFileError(
            _("The file has no “%(columns)s” column. The first row must name the columns: %(expected)s.")
            % {"columns": "”, “".join(missing), "expected": ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}
        )
    positions = {column: header.index(column) for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS
                 if column in header}
    rows = []
    for offset, record in enumerate(records[header_index + 1:], start=header_index + 2):
        if not any(record):
            continue
        values = {column: record[index] if index < len(record) else "" for column, index in positions.items()}
        rows.append(Row(number=offset, **values))
    if not rows:
        raise BulkFileError(_("The file has column names but no officials."))
    if len(rows) > MAX_ROWS:
        raise BulkFileError(_("The file has %(count)d rows; upload at most %(max)d at a time.")
                            % {"count": len(rows), "max": MAX_ROWS})
    return rows


# --- Validation ------------------------------------------------------------------------------------------

def _chunks(values: list, size: int = _IN_CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


@dataclass
class _Context:
    """Everything validation needs, read in bulk before looking at any row."""

    crm_countries: set[str]
    member_countries: set[str]
    institutions: dict[tuple[str, str], Institution]
    users: dict[str, User]
    sees_everything: set[int]
    statuses: dict[int, str]  # user id → status of their enrolment or registration in this target
    network_members: set[int]
    staff: set[int]  # trainers or organisers
    seats_left: int | None
    window_error: str


def _context(*, rows: list[Row], target: BulkTarget) -> _Context:
    countries = {row.country.strip().upper() for row in rows if row.country.strip()}
    institutions = {}
    for institution in Institution.objects.filter(country__in=countries):
        institutions[(institution.country.code, institution.name.strip().lower())] = institution
    emails = sorted({row.email.strip().lower() for row in rows if row.email.strip()})
    users = {}
    for chunk in _chunks(emails):
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk):
            users[user.email_lower] = user
    user_ids = [user.pk for user in users.values()]
    sees_everything, statuses = set(), {}
    for chunk in _chunks(user_ids):
        sees_everything |= set(User.objects.filter(pk__in=chunk).filter(
            Q(is_superuser=True) | Q(groups__name=Role.SECRETARIAT)).values_list("pk", flat=True))
        statuses.update(target.statuses(chunk))
    return _Context(
        crm_countries=crm_country_codes(),
        member_countries=crm_country_codes(status="member"),
        institutions=institutions,
        users=users,
        sees_everything=sees_everything,
        statuses=statuses,
        network_members=target.network_members(),
        staff=target.staff_ids() if target.page.audience != Audience.EVERYONE else set(),
        seats_left=target.seats_left(),
        window_error=target.window_error(),
    )


def _audience_allows(ctx: _Context, page, *, user: User | None, country: str) -> bool:
    """The bulk twin of courses.selectors.audience_q (courses and seminars), answered from prefetched data."""
    if page.audience == Audience.EVERYONE:
        return True
    if user is not None and (user.pk in ctx.sees_everything or user.pk in ctx.staff):
        return True
    if page.audience == Audience.MEMBER_OFFICIALS:
        return country in ctx.member_countries
    return user is not None and user.pk in ctx.network_members


def _row_result(row: Row, *, ctx: _Context, target: BulkTarget, scope_country: str,
                seen: set[str]) -> RowResult:
    email = row.email.strip()
    result = RowResult(row=row.number, email=email, outcome=Outcome.ERROR)
    if not email:
        result.reason = _("The e-mail address is missing.")
        return result
    try:
        validate_email(email)
    except ValidationError:
        result.reason = _("“%(email)s” is not a valid e-mail address.") % {"email": email}
        return result
    key = email.lower()
    if key in seen:
        result.reason = _("This e-mail address appears more than once in the file; only its first row counts.")
        return result
    seen.add(key)
    country = row.country.strip().upper()
    if not country:
        result.reason = _("The country is missing.")
        return result
    if country not in ctx.crm_countries:
        result.reason = _("“%(code)s” is not the ISO code of a CRM country.") % {"code": row.country}
        return result
    if scope_country and country != scope_country:
        result.reason = _("You may only enrol officials of %(country)s.") % {"country": scope_country}
        return result
    institution = ctx.institutions.get((country, row.institution.strip().lower()))
    if institution is None:
        result.reason = (_("The institution “%(name)s” is not registered for %(country)s.")
                         % {"name": row.institution, "country": country})
        return result
    gender = row.gender.strip().lower()
    if gender not in ("", *User.Gender.values):
        result.reason = (_("“%(value)s” is not a valid gender; use female, male, other, undisclosed or leave it "
                           "empty.") % {"value": row.gender})
        return result
    user = ctx.users.get(key)
    if user is None and not row.full_name.strip():
        result.reason = _("The full name is missing.")
        return result
    if user is not None:
        result.user_id = user.pk
        account_country = user.country.code if user.country else ""
        if account_country != country:
            result.reason = (_("An account with this e-mail address exists for country “%(account)s”, not "
                               "“%(file)s”.") % {"account": account_country or "—", "file": country})
            return result
        if already := target.already(ctx.statuses.get(user.pk)):
            result.outcome = Outcome.ALREADY
            result.reason = already
            return result
    if ctx.window_error:
        result.reason = ctx.window_error
        return result
    if not _audience_allows(ctx, target.page, user=user, country=country):
        result.reason = target.audience_refused()
        return result
    result.institution_id = institution.pk
    result.data = {"full_name": row.full_name.strip(), "country": country, "position": row.position.strip(),
                   "gender": gender}
    if ctx.seats_left is not None and ctx.seats_left <= 0:
        result.outcome, result.reason = target.no_seat(new_account=user is None)
        if result.outcome == Outcome.ERROR:
            result.institution_id, result.data = None, {}
        return result
    if ctx.seats_left is not None:
        ctx.seats_left -= 1
    result.outcome, result.reason = _placed(new_account=user is None)
    return result


def _placed(*, new_account: bool) -> tuple[str, str]:
    """(outcome, reason) of a row that takes a seat."""
    if new_account:
        return Outcome.CREATE, _("A new account will be created and invited by e-mail.")
    return Outcome.ENROL, _("Existing account; its profile is left unchanged.")


def _target(*, course: CoursePage | None = None, seminar: SeminarPage | None = None) -> BulkTarget:
    if (course is None) == (seminar is None):
        raise TypeError("Give exactly one of course and seminar.")
    return bulk_target(course if course is not None else seminar)


def rows_validate(*, rows: list[Row], course: CoursePage | None = None, seminar: SeminarPage | None = None,
                  scope_country: str = "", progress: Callable[[int], None] | None = None,
                  target: BulkTarget | None = None) -> list[RowResult]:
    """Decide the outcome of every row for a course or a seminar without writing anything; the query count does
    not grow with rows."""
    target = target or _target(course=course, seminar=seminar)
    ctx = _context(rows=rows, target=target)
    seen: set[str] = set()
    results = []
    step = max(len(rows) // 10, 1)
    for index, row in enumerate(rows, start=1):
        results.append(_row_result(row, ctx=ctx, target=target, scope_country=scope_country, seen=seen))
        if progress and (index % step == 0 or index == len(rows)):
            progress(index)
    return results


def _report(results: list[RowResult], *, outcomes: tuple[str, ...], file_error: str = "") -> dict:
    counts = {outcome: 0 for outcome in outcomes}
    for result in results:
        counts[result.outcome] += 1
    return {"file_error": file_error, "counts": counts, "rows": [asdict(result) for result in results]}


# --- Jobs ------------------------------------------------------------------------------------------------

def can_bulk_enrol(user) -> bool:
    return bool(user.is_authenticated and (user.is_secretariat or user.is_focal_point))


def bulk_jobs_for(user: User) -> QuerySet[Job]:
    """The jobs a user may see: the Secretariat all, a focal point only their own."""
    jobs = Job.objects.select_related("uploaded_by", "course", "seminar")
    if user.is_secretariat:
        return jobs
    if user.is_focal_point:
        return jobs.filter(uploaded_by=user)
    return jobs.none()


def bulk_job_create(*, uploader: User, upload: UploadedFile, course: CoursePage | None = None,
                    seminar: SeminarPage | None = None) -> Job:
    """Store an upload for a course or a seminar and queue its validation."""
    from enrolments.tasks import bulk_enrolment_validate

    target = _target(course=course, seminar=seminar)
    if not can_bulk_enrol(uploader) or not target_allowed(uploader, target.page):
        raise PermissionDenied
    job = Job(uploaded_by=uploader, original_name=(upload.name or "")[:255],
              scope_country="" if uploader.is_secretariat else uploader.focal_point_country.code)
    if target.kind == "seminar":
        job.seminar, job.seminar_key = target.page, target.key
    else:
        job.course, job.course_key = target.page, target.key
    job.file.save(upload.name or "upload", upload, save=False)
    job.full_clean()
    job.save()
    enqueue_on_commit(bulk_enrolment_validate, job.pk)
    return job


def bulk_job_sweep(*, older_than=None) -> int:
    """Queue again the jobs left waiting for ten minutes without any change (the broker was down when they were
    uploaded or applied). A second delivery is harmless: validation of a job already validated does nothing, and
    applying waits for the job's row lock, then finds it applied. Returns how many were queued."""
    from enrolments.tasks import bulk_enrolment_apply, bulk_enrolment_validate

    cutoff = timezone.now() - (timedelta(minutes=10) if older_than is None else older_than)
    stuck = list(Job.objects.filter(status__in=(JobStatus.UPLOADED, JobStatus.VALIDATING, JobStatus.APPLYING),
                                    updated_at__lte=cutoff).values_list("pk", "status")[:100])
    for pk, status in stuck:
        (bulk_enrolment_apply if status == JobStatus.APPLYING else bulk_enrolment_validate).delay(pk)
    return len(stuck)


def _set_progress(job: Job, processed: int) -> None:
    # updated_at too: bulk_job_sweep takes a job unchanged for ten minutes for one whose task was never queued.
    Job.objects.filter(pk=job.pk).update(processed=processed, updated_at=timezone.now())


def _language(job_id: int) -> str:
    language = Job.objects.filter(pk=job_id).values_list("uploaded_by__preferred_language", flat=True).first()
    return language or settings.LANGUAGE_CODE


def _job_target(job: Job) -> BulkTarget:
    """The job's course or seminar; BulkFileError once the page is gone."""
    if job.target is None:
        raise BulkFileError(_("The seminar no longer exists.") if job.is_seminar
                            else _("The course no longer exists."))
    return bulk_target(job.target)


def bulk_job_validate(*, job_id: int) -> Job:
    """Validate every row of an uploaded job and store the report (in the uploader's language)."""
    with translation.override(_language(job_id)):
        return _job_validate(job_id)


def _job_validate(job_id: int) -> Job:
    claimed = Job.objects.filter(pk=job_id, status__in=(JobStatus.UPLOADED, JobStatus.VALIDATING)).update(
        status=JobStatus.VALIDATING, processed=0)
    job = Job.objects.select_related("course", "seminar", "uploaded_by").get(pk=job_id)
    if not claimed:
        return job
    outcomes = TARGETS[job.kind].outcomes
    try:
        target = _job_target(job)
        with job.file.open("rb") as handle:
            raw = handle.read()
        rows = rows_read(raw=raw, name=job.original_name)
    except BulkFileError as exc:
        job.report = _report([], outcomes=outcomes, file_error=str(exc))
        job.status = JobStatus.VALIDATED
        job.save(update_fields=["report", "status", "updated_at"])
        return job
    job.total = len(rows)
    job.save(update_fields=["total", "updated_at"])
    try:
        results = rows_validate(rows=rows, target=target, scope_country=job.scope_country.code or "",
                                progress=lambda n: _set_progress(job, n))
    except Exception:
        # Leave no job stuck in "validating" for the uploader to stare at; the error goes to the logs.
        logger.exception("Bulk enrolment job %s could not be validated", job_id)
        _fail(job_id, _("An unexpected error stopped the check; nothing was applied."))
        raise
    job.report = _report(results, outcomes=outcomes)
    job.processed = len(rows)
    job.status = JobStatus.VALIDATED
    job.save(update_fields=["report", "processed", "status", "updated_at"])
    return job


def bulk_job_discard(*, job: Job, actor: User) -> Job:
    """Apply nothing: the uploader drops a validated job."""
    if not bulk_jobs_for(actor).filter(pk=job.pk).exists():
        raise PermissionDenied
    if not Job.objects.filter(pk=job.pk, status__in=(JobStatus.VALIDATED, JobStatus.FAILED)).update(
            status=JobStatus.DISCARDED):
        raise ValidationError(_("Only a validated job can be discarded."))
    job.refresh_from_db()
    return job


def bulk_job_request_apply(*, job: Job, actor: User, skip_errors: bool = False) -> Job:
    """Queue the application of every valid row; with rows in error the uploader must say to skip them."""
    from enrolments.tasks import bulk_enrolment_apply

    if not bulk_jobs_for(actor).filter(pk=job.pk).exists():
        raise PermissionDenied
    if job.status != JobStatus.VALIDATED or job.report.get("file_error"):
        raise ValidationError(_("This job cannot be applied."))
    if job.counts.get(Outcome.ERROR) and not skip_errors:
        raise ValidationError(_("Some rows are in error: confirm that only the valid rows should be applied."))
    if not job.applicable_count:
        raise ValidationError(_("No row can be applied."))
    if not Job.objects.filter(pk=job.pk, status=JobStatus.VALIDATED).update(
            status=JobStatus.APPLYING, applied_by=actor, processed=0, total=job.applicable_count,
            failure_reason=""):
        raise ValidationError(_("This job cannot be applied."))
    enqueue_on_commit(bulk_enrolment_apply, job.pk)
    job.refresh_from_db()
    return job


def _progress_key(job_id: int) -> str:
    return f"bulk-enrolment-job:{job_id}:processed"


def job_progress(job: Job) -> dict:
    """{status, processed, total}; while applying the counter lives in the cache (the rows are uncommitted)."""
    processed = job.processed
    if job.status == JobStatus.APPLYING:
        processed = cache.get(_progress_key(job.pk), processed)
    return {"status": job.status, "processed": processed, "total": job.total}


def _user_create(*, result: RowResult) -> User:
    data = result.data
    user = User(email=User.objects.normalize_email(result.email), full_name=data["full_name"],
                country=data["country"], institution_id=result.institution_id, position=data["position"],
                gender=data["gender"])
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    from accounts.services import role_assign

    role_assign(user=user, role=Role.LEARNER)
    return user


def _apply_rows(job: Job, target: BulkTarget, actor: User) -> list[int]:
    """Write every chosen row and record in the report what became of it (enrolled, registered, waiting list).

    Raises BulkApplyError (the caller's transaction then rolls back). Returns the ids of the accounts created.
    """
    chosen = {row["row"] for row in job.report.get("rows", []) if row["outcome"] in Outcome.APPLICABLE}
    with job.file.open("rb") as handle:
        rows = rows_read(raw=handle.read(), name=job.original_name)
    # Re-validate on the current data, under the target's lock: the file was checked a while ago, and seats or
    # accounts may have changed since; with the lock held, the seats counted here are the seats there are.
    target.lock()
    results = [result for result in rows_validate(rows=rows, target=target,
                                                  scope_country=job.scope_country.code or "")
               if result.row in chosen]
    stale = next((result for result in results if result.outcome == Outcome.ERROR), None)
    if stale is not None:
        raise BulkApplyError(_("Row %(row)d (%(email)s) can no longer be applied: %(reason)s")
                             % {"row": stale.row, "email": stale.email, "reason": stale.reason})
    created = []
    step = max(len(results) // 50, 1)
    for index, result in enumerate(results, start=1):
        # Officials enrolled by someone else since validation need nothing more (the report says so).
        if result.outcome not in Outcome.APPLICABLE:
            continue
        new_account = result.user_id is None
        try:
            if new_account:
                user = _user_create(result=result)
                created.append(user.pk)
            else:
                user = User.objects.get(pk=result.user_id)
            # New accounts get the invitation (with the set-password link) instead of the "enrolled" e-mail.
            waitlisted = target.apply(actor=actor, user=user, notify=not new_account)
        except (ValidationError, PermissionDenied, IntegrityError, User.DoesNotExist) as exc:
            reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else (
                _("Not allowed.") if isinstance(exc, PermissionDenied) else _("The account changed meanwhile."))
            raise BulkApplyError(_("Row %(row)d (%(email)s): %(reason)s")
                                 % {"row": result.row, "email": result.email, "reason": reason}) from exc
        if waitlisted and result.outcome != Outcome.WAITLIST:
            result.outcome, result.reason = target.no_seat(new_account=new_account)
        elif not waitlisted and result.outcome == Outcome.WAITLIST:
            result.outcome, result.reason = _placed(new_account=new_account)
        result.user_id = user.pk
        if index % step == 0:
            cache.set(_progress_key(job.pk), index, 3600)
    applied = {result.row: asdict(result) for result in results}
    rows = [applied.get(row["row"], row) for row in job.report.get("rows", [])]
    job.report = {**job.report, "rows": rows,
                  "counts": {outcome: sum(row["outcome"] == outcome for row in rows) for outcome in target.outcomes}}
    return created


def bulk_job_apply(*, job_id: int) -> Job:
    """Apply the chosen rows of a job in one transaction: all of them, or none and the job says why."""
    with translation.override(_language(job_id)):
        return _job_apply(job_id)


def _job_apply(job_id: int) -> Job:
    job = Job.objects.get(pk=job_id)
    if job.status != JobStatus.APPLYING:
        return job
    created: list[int] = []
    target = None
    try:
        with transaction.atomic():
            job = (Job.objects.select_for_update(of=("self",)).select_related("course", "seminar", "applied_by")
                   .get(pk=job_id))
            if job.status != JobStatus.APPLYING:
                return job
            if job.applied_by is None:
                raise BulkApplyError(_("The person applying no longer exists."))
            target = _job_target(job)
            created = _apply_rows(job, target, job.applied_by)
            job.status = JobStatus.APPLIED
            job.applied_at = timezone.now()
            job.processed = job.total
            job.save(update_fields=["status", "applied_at", "processed", "report", "updated_at"])
    except (BulkApplyError, BulkFileError) as exc:
        _fail(job_id, str(exc))
    except Exception:
        logger.exception("Bulk enrolment job %s failed", job_id)
        _fail(job_id, _("An unexpected error stopped the job; nothing was applied."))
        raise
    finally:
        cache.delete(_progress_key(job_id))
    if created:
        invitations_send(user_ids=created, target=target)
    return Job.objects.get(pk=job_id)


def _fail(job_id: int, reason: str) -> None:
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, failure_reason=reason, processed=0)


# --- Invitations -----------------------------------------------------------------------------------------

def set_password_url(user: User) -> str:
    """An absolute link to allauth's reset-password-from-key page, valid until the password changes."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    path = reverse("account_reset_password_from_key",
                   kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)})
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def invitations_send(*, user_ids: list[int], target: BulkTarget | None) -> int:
    """E-mail each new account an invitation with a set-password link (queued by the e-mail backend), naming the
    course or seminar in the reader's language and, for a seminar's waiting list, saying so."""
    versions = target.versions() if target is not None else {}
    waitlisted = target.waitlisted(user_ids) if target is not None else set()
    kind = target.kind if target is not None else ""
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    messages = []
    for user in User.objects.filter(pk__in=user_ids):
        with translation.override(user.preferred_language):
            page = versions.get(user.preferred_language, target.page if target is not None else None)
            context = {"user": user, "course": page if kind == "course" else None,
                       "seminar": page if kind == "seminar" else None, "waitlisted": user.pk in waitlisted,
                       "url": set_password_url(user), "site_name": settings.WAGTAIL_SITE_NAME}
            subject = render_to_string("enrolments/bulk/email/invitation_subject.txt", context)
            body = render_to_string("enrolments/bulk/email/invitation_message.txt", context)
        messages.append(EmailMultiAlternatives(subject=prefix + " ".join(subject.split()), body=body,
                                               to=[user.email]))
    return get_connection().send_messages(messages) or 0
