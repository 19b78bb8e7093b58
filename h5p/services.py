"""Importing H5P packages, and recording what learners do in them (xAPI statements, saved state)."""

import logging
import math
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.queue import enqueue_on_commit
from h5p import storage
from h5p.models import H5PAttempt, H5PLibrary, H5PPackage, H5PUserData, XAPIStatement
from h5p.validation import H5PLimits, ValidatedPackage, validate_package

logger = logging.getLogger(__name__)

# H5P scores are small counts of points; anything near the database's limits is not a real result.
MAX_SCORE = 1_000_000
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
# Statement ids derived from (user, browser's id) live in this UUIDv5 namespace; changing it would let replays of
# statements stored before the change in again.
STATEMENT_ID_NAMESPACE = uuid.UUID("906b423c-faa6-4a55-9abc-2d319ce0a88b")


class PackageExists(ValidationError):
    """The same file (same SHA-256) was imported before; `package` is the one already stored."""

    def __init__(self, package: H5PPackage):
        super().__init__(_("This package was uploaded before, as “%(title)s”.") % {"title": package.title},
                         code="duplicate_package")
        self.package = package


def package_import(fileobj, *, user=None, title: str = "", validated: ValidatedPackage | None = None,
                   package: H5PPackage | None = None) -> H5PPackage:
    """Validate an .h5p file and store it (storages["h5p"]): content in its own folder, libraries shared by name and
    version.

    Raises H5PValidationError (which file, which rule) or PackageExists; either way nothing is left behind.
    `package`, when given, is an unsaved instance to fill (the admin form's).
    """
    limits = H5PLimits.from_settings()
    validated = validated or validate_package(fileobj, limits=limits)
    if existing := H5PPackage.objects.filter(sha256=validated.sha256).first():
        raise PackageExists(existing)

    staging = storage.staging_dir()
    moved: list = []
    try:
        unpacked = storage.extract_entries(fileobj, ["h5p.json", *validated.content_files], staging / "content",
                                           limits=limits)
        for library in validated.libraries:
            unpacked += storage.extract_entries(fileobj, library.files, staging / "libraries" / library.folder,
                                                strip=f"{library.folder}/", limits=limits)
        with transaction.atomic():
            libraries = [_library_store(library, staging, moved) for library in validated.libraries]
            main = next(lib for lib in libraries if (lib.machine_name, lib.major, lib.minor)
                        == (validated.main_library, validated.main_major, validated.main_minor))
            package = package or H5PPackage()
            package.title = (title or validated.title)[:255]
            package.main_library = main
            package.language = validated.language[:16]
            package.h5p_json = validated.h5p_json
            package.sha256 = validated.sha256
            package.size_bytes = _size(fileobj)
            package.unpacked_bytes = unpacked
            package.uploaded_by = user
            package.save()
            package.libraries.set(libraries)
            target = storage.content_prefix(package.storage_key)
            moved.append(target)  # a failure halfway through the upload removes what was stored
            storage.replace_dir(staging / "content", target)
    except IntegrityError:
        # Someone imported the same file at the same moment.
        for prefix in moved:
            storage.remove(prefix)
        raise PackageExists(H5PPackage.objects.get(sha256=validated.sha256)) from None
    except BaseException:
        for prefix in moved:
            storage.remove(prefix)
        raise
    finally:
        storage.remove_local(staging)
    return package


def _size(fileobj) -> int:
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    return size


def _library_store(info, staging, moved: list) -> H5PLibrary:
    """The library row, created or brought to the newer patch version, with its files in place."""
    library, created = H5PLibrary.objects.select_for_update().get_or_create(
        machine_name=info.machine_name, major=info.major, minor=info.minor,
        defaults={"patch": info.patch, "title": info.title[:255], "library_json": info.library_json},
    )
    target = storage.library_prefix(library.folder)
    if created or info.patch > library.patch or not storage.exists(target):
        if not created:
            library.patch, library.title, library.library_json = info.patch, info.title[:255], info.library_json
            library.updated_at = timezone.now()
            library.save()
        if created:
            moved.append(target)
        storage.replace_dir(staging / "libraries" / info.folder, target)
    return library


# --- xAPI ------------------------------------------------------------------------------------------------------------

class StatementError(ValidationError):
    """A statement the endpoint refuses; the message says which part is wrong."""


def _iri(value, field: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 2048 or ":" not in value:
        raise StatementError(_("The statement's %(field)s must be an IRI.") % {"field": field}, code="shape")
    return value


def _contains_nul(value) -> bool:
    """Whether any key or string in a parsed JSON value holds U+0000 (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def statement_clean(statement) -> dict:
    """Check the parts of a statement the platform relies on; return the parts it keeps."""
    if not isinstance(statement, dict):
        raise StatementError(_("The statement must be a JSON object."), code="shape")
    # PostgreSQL's jsonb cannot hold U+0000: storing it would fail the request with a server error.
    if _contains_nul(statement):
        raise StatementError(_("The statement must not contain NUL characters."), code="nul")
    verb = statement.get("verb")
    obj = statement.get("object")
    if not isinstance(verb, dict) or not isinstance(obj, dict):
        raise StatementError(_("The statement needs a verb and an object."), code="shape")
    _iri(verb.get("id"), "verb.id")
    _iri(obj.get("id"), "object.id")
    result = statement.get("result", {})
    context = statement.get("context", {})
    if not isinstance(result, dict) or not isinstance(context, dict):
        raise StatementError(_("The statement's result and context must be objects."), code="shape")
    score = result.get("score", {})
    if not isinstance(score, dict) or any(
        not isinstance(score[key], int | float) or isinstance(score[key], bool) or not math.isfinite(score[key])
        for key in ("raw", "min", "max", "scaled") if key in score
    ):
        raise StatementError(_("The statement's score must be made of numbers."), code="shape")
    if any(abs(score[key]) > MAX_SCORE for key in ("raw", "min", "max") if key in score):
        raise StatementError(_("The statement's score is larger than any H5P activity gives."), code="shape")
    for key in ("completion", "success"):
        if key in result and not isinstance(result[key], bool):
            raise StatementError(_("The statement's result.%(key)s must be true or false.") % {"key": key},
                                 code="shape")
    activities = context.get("contextActivities", {})
    if not isinstance(activities, dict):
        raise StatementError(_("The statement's contextActivities must be an object."), code="shape")
    return statement


def is_top_level(statement: dict) -> bool:
    """H5P's rule: a statement about the whole activity has no contextActivities.parent (sub-questions do)."""
    parent = statement.get("context", {}).get("contextActivities", {}).get("parent")
    return not parent


def activity_iri(lesson_key, block_id: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/h5p/activity/{lesson_key}/{block_id}"


@dataclass(frozen=True)
class Recorded:
    """What the endpoint answers: the stored id, whether this request stored it (False: a replay, ignored) and the
    learner's result with the statement counted (computed, not saved: the aggregation task saves it)."""

    statement_id: uuid.UUID
    created: bool
    attempt: H5PAttempt


def xapi_record(*, user, enrollment, lesson, block_id: str, package: H5PPackage, statement: dict) -> Recorded:
    """Store one statement with the signed-in user as actor, in one INSERT; count it in the learner's result later.

    The actor, authority and stored time are the platform's, never the browser's; the id is derived from the
    browser's (statement_id), so a replayed statement is ignored. Scores are clamped to 0..max. The learner's
    result, lesson/course completion and forwarding to the LRS run in the xapi_aggregate task once the row is
    committed (in-process when Celery is eager).
    """
    if enrollment is None or enrollment.status not in ("active", "completed"):
        raise PermissionDenied(_("Only learners enrolled in the course have their results recorded."))
    statement = statement_clean(statement)
    now = timezone.now()
    stored = _statement_for_storage(statement, user=user, lesson_key=lesson.translation_key, block_id=block_id,
                                    now=now)
    record = XAPIStatement(
        id=uuid.UUID(stored["id"]), user=user, enrollment=enrollment, package=package, lesson=lesson,
        lesson_key=lesson.translation_key, block_id=block_id, verb=stored["verb"]["id"][:255], statement=stored,
        stored_at=now,
    )
    attempt, counts = _attempt_preview(record)
    if not counts:
        # Most of H5P's traffic ("interacted", "attempted", sub-question answers) changes no result once the
        # attempt exists: stored as counted already, so no task runs for it (it still goes to the LRS).
        record.aggregated_at = now
    created = _insert_unless_stored(record)
    if created and counts:
        from h5p.tasks import xapi_aggregate as xapi_aggregate_task

        # Broker down: the statement stays uncounted and the sweep (xapi_aggregate_pending) counts it.
        enqueue_on_commit(xapi_aggregate_task, str(record.pk))
    elif created and settings.XAPI_LRS_URL:
        transaction.on_commit(lambda: _forward_later(str(record.pk)))
    return Recorded(statement_id=record.pk, created=created, attempt=attempt)


def changes_result(statement: dict) -> bool:
    """Whether counting this statement can change an existing attempt: a top-level statement with a result, or
    one that completes the activity."""
    if not is_top_level(statement):
        return False
    return bool(statement.get("result")) or statement.get("verb", {}).get("id") in (VERB_COMPLETED, VERB_ANSWERED)


def statement_id(*, user_id: int, client_id) -> uuid.UUID:
    """The id a statement is stored (and sent to the LRS) under.

    A UUID from the browser is combined with the user: the same statement sent again by the same learner maps to
    the same row (the replay is ignored), while another learner's statement with the same id gets its own, so no
    browser can block or overwrite someone else's statement. Without a usable id, a fresh one.
    """
    if isinstance(client_id, str):
        try:
            client = uuid.UUID(client_id)
        except ValueError:
            pass
        else:
            return uuid.uuid5(STATEMENT_ID_NAMESPACE, f"{user_id}:{client}")
    return uuid.uuid4()


def _insert_unless_stored(record: XAPIStatement) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; whether the row was inserted.

    One statement, no read first: two concurrent replays cannot both insert. The primary key decides; a replay
    racing an uncommitted first delivery waits for its commit, then inserts nothing, without an error (a
    check-then-insert would have seen no row). bulk_create(ignore_conflicts=True) writes the same SQL but does not
    say whether the row was new, so the compiled INSERT is run here to read the row count.
    """
    using = router.db_for_write(XAPIStatement)
    query = InsertQuery(XAPIStatement, on_conflict=OnConflict.IGNORE)
    query.insert_values([field for field in XAPIStatement._meta.local_concrete_fields if not field.generated],
                        [record])
    [(sql, params)] = query.get_compiler(using=using).as_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def _attempt_preview(record: XAPIStatement) -> tuple[H5PAttempt, bool]:
    """The learner's result as it stands, with this statement counted in memory (one read, nothing saved), and
    whether the statement needs counting at all (the attempt does not exist yet, or the statement can change it).

    Counting is idempotent, so a statement the task already counted (eager Celery, a replay) is not shown twice.
    """
    attempt = H5PAttempt.objects.filter(enrollment=record.enrollment, lesson_key=record.lesson_key,
                                        block_id=record.block_id).first()
    counts = attempt is None or changes_result(record.statement)
    if attempt is None:
        attempt = H5PAttempt(enrollment=record.enrollment, lesson_key=record.lesson_key, block_id=record.block_id,
                             package=record.package, updated_at=record.stored_at)
    if is_top_level(record.statement):
        _attempt_apply(attempt, record.statement.get("result") or {}, verb=record.verb, at=record.stored_at)
    return attempt, counts


def xapi_aggregate(*, statement_id) -> bool:
    """Count one stored statement in the learner's result and complete the lesson (and course) when it is done;
    then queue it for the LRS. True if it was counted now, False if it was counted before (or is gone).

    Exactly once: the row is claimed under a lock in the same transaction that updates the result, so a retry,
    a sweep or a second delivery of the task finds it counted and does nothing.
    """
    from enrolments.progress import lesson_assessments_check

    with transaction.atomic():
        record = XAPIStatement.objects.select_for_update().filter(pk=statement_id, aggregated_at__isnull=True).first()
        if record is None:
            return False
        enrollment = record.enrollment  # None when the enrolment was deleted since: nothing to count it in
        if enrollment is not None:
            attempt, _created = H5PAttempt.objects.select_for_update().get_or_create(
                enrollment=enrollment, lesson_key=record.lesson_key, block_id=record.block_id,
                defaults={"package_id": record.package_id, "updated_at": record.stored_at},
            )
            if is_top_level(record.statement):
                _attempt_apply(attempt, record.statement.get("result") or {}, verb=record.verb, at=record.stored_at)
                attempt.save()
            if attempt.completed and record.lesson is not None:
                lesson_assessments_check(enrollment=enrollment, lesson=record.lesson)
        XAPIStatement.objects.filter(pk=record.pk).update(aggregated_at=timezone.now())
        if settings.XAPI_LRS_URL:
            transaction.on_commit(lambda: _forward_later(str(record.pk)))
    return True


def xapi_aggregate_pending(*, limit: int = 1000, min_age: timedelta = timedelta(minutes=1)) -> int:
    """Queue statements stored at least `min_age` ago and still not counted (their task was never queued or was
    lost), oldest first; returns how many were queued. Younger ones are left to the task queued for them."""
    from h5p.tasks import xapi_aggregate

    pending = list(XAPIStatement.objects.filter(aggregated_at__isnull=True, stored_at__lte=timezone.now() - min_age)
                   .order_by("stored_at").values_list("pk", flat=True)[:limit])
    for pk in pending:
        xapi_aggregate.delay(str(pk))
    return len(pending)


def _forward_later(statement_id: str) -> None:
    """Queue the statement for the LRS. The learner's request never fails for it: a statement not queued now (broker
    down) or not delivered (LRS down, demo without a broker) is sent by the periodic sweep."""
    from h5p.tasks import xapi_forward

    try:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # No broker (the demo): one attempt in-process, no retries inside the learner's request.
            xapi_forward.apply(args=[statement_id], retries=xapi_forward.max_retries, throw=True)
        else:
            xapi_forward.delay(statement_id)
    except Exception:  # noqa: BLE001 - logged; the sweep retries
        logger.warning("xAPI statement %s not queued for the LRS; the sweep will send it", statement_id,
                       exc_info=True)


def _statement_for_storage(statement: dict, *, user, lesson_key, block_id: str, now) -> dict:
    stored = dict(statement)
    stored["id"] = str(statement_id(user_id=user.pk, client_id=statement.get("id")))
    stored["actor"] = {"objectType": "Agent", "name": user.full_name or user.email,
                       "account": {"homePage": settings.SITE_URL, "name": str(user.pk)}}
    stored["authority"] = {"objectType": "Agent", "name": "Campus CRM",
                           "account": {"homePage": settings.SITE_URL, "name": "campus-crm"}}
    # The object's id names our activity, whatever page address the browser put there; sub-questions keep theirs.
    obj = dict(stored["object"])
    sub = obj["id"].partition("?subContentId=")[2]
    obj["id"] = activity_iri(lesson_key, block_id) + (f"?subContentId={sub}" if sub else "")
    stored["object"] = obj
    timestamp = statement.get("timestamp")
    if not (isinstance(timestamp, str) and parse_datetime(timestamp)):
        stored["timestamp"] = now.isoformat()
    stored["stored"] = now.isoformat()
    result = stored.get("result")
    if isinstance(result, dict) and isinstance(result.get("score"), dict):
        stored["result"] = {**result, "score": _score_clamped(result["score"])}
    return stored


def _score_clamped(score: dict) -> dict:
    """raw within min(≥0)..max, scaled within 0..1: a browser cannot report more than the activity allows."""
    clamped = dict(score)
    high = max(score.get("max", 0), 0)
    if "max" in score:
        clamped["max"] = high
    low = min(max(score.get("min", 0), 0), high) if "max" in score else max(score.get("min", 0), 0)
    if "min" in score:
        clamped["min"] = low
    if "raw" in score:
        clamped["raw"] = min(max(score["raw"], low), high) if "max" in score else max(score["raw"], low)
    if "scaled" in score:
        clamped["scaled"] = min(max(score["scaled"], 0), 1)
    return clamped


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        return None


def _attempt_apply(attempt: H5PAttempt, result: dict, *, verb: str, at) -> None:
    """Count a top-level statement stored at `at` in the attempt (not saved). Counting the same statement again
    changes nothing, and the order statements are counted in does not matter: the score shown is the newest
    statement's, the best percentage the best of all, completion the earliest and success once passed."""
    score = result.get("score") or {}
    if "raw" in score and score.get("max"):
        raw, high = _decimal(score["raw"]), _decimal(score["max"])
    else:
        raw = high = None
    # A maximum below 0.005 rounds to 0.00: no percentage can be made of it.
    if raw is not None and high:
        percent = (raw * 100 / high).quantize(Decimal("0.01"))
        # A statement counted late (swept after a broker outage) must not replace a newer score.
        if attempt.score is None or at >= attempt.updated_at:
            attempt.score, attempt.max_score = raw, high
        if attempt.best_percent is None or percent > attempt.best_percent:
            attempt.best_percent = percent
    if verb in (VERB_COMPLETED, VERB_ANSWERED):
        if not attempt.completed:
            attempt.completed, attempt.completed_at = True, at
        elif attempt.completed_at is None or at < attempt.completed_at:
            attempt.completed_at = at
    if isinstance(result.get("success"), bool):
        attempt.success = bool(attempt.success) or result["success"]
    attempt.updated_at = max(attempt.updated_at, at)


# --- Saved state ---------------------------------------------------------------------------------------------------

def user_data_save(*, user, lesson, block_id: str, data_type: str, sub_content_id: str, data: str | None) -> None:
    """Keep (or, with data None, forget) one piece of H5P state for the learner; refuse oversized state."""
    # PostgreSQL text cannot hold U+0000: storing or even looking it up would fail with a server error.
    if any("\x00" in value for value in (data or "", data_type, sub_content_id)):
        raise StatementError(_("The saved state must not contain NUL characters."), code="nul")
    key = {"user": user, "lesson_key": lesson.translation_key, "block_id": block_id,
           "sub_content_id": sub_content_id[:64] or "0", "data_type": data_type[:64]}
    if data is None:
        H5PUserData.objects.filter(**key).delete()
        return
    if len(data.encode()) > settings.H5P_STATE_MAX_BYTES:
        raise StatementError(_("The saved state is larger than allowed."), code="too_large")
    H5PUserData.objects.update_or_create(**key, defaults={"data": data, "updated_at": timezone.now()})
