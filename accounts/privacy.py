"""A person's right to their data: export everything the platform holds about them, or erase it.

Erasure anonymises rather than deletes: the user row stays, with its country, institution, role and dates, so
enrolments, completions, attendance and certificates keep counting in the statistics (metrics read the snapshots
on enrolments and registrations, never the profile). What identifies the person goes: name, e-mail addresses,
position, gender, password, second factors, sessions, saved H5P state, the name inside stored xAPI statements and
on certificates (whose PDFs are deleted; the verification page still says whether the certificate is valid).

`USER_RELATIONS` lists every model field that points at a user and what export and erasure do with it;
tests/accounts/test_privacy.py fails when a model gains such a field that is not listed here.
"""

import datetime
import decimal
import json
import logging
import secrets
import uuid
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

ERASED_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: .invalid never resolves, so nothing is ever delivered there
FORMAT = "campus-crm-personal-data/1"

# What erasure does with rows pointing at the person (the export includes all of them):
KEEP = "keep"  # statistics or another person's record: kept, personal fields voided where they exist
DELETE = "delete"  # the person's own private state or credentials: deleted
SCRUB = "scrub"  # kept, with the personal data inside rewritten

USER_RELATIONS: dict[str, str] = {
    # The learner's record: what the statistics count.
    "enrolments.Enrollment.user": KEEP,
    "seminars.Registration.user": KEEP,
    "certificates.Certificate.user": SCRUB,  # name voided, PDF deleted; code, status, subject and dates stay
    "h5p.XAPIStatement.user": SCRUB,  # actor's name and mailbox removed; verb, result and times stay
    "h5p.H5PUserData.user": DELETE,
    "crm.Network.members": KEEP,  # organisational membership (which courses are open to them)
    # Account, sign-in and admin state.
    "accounts.User.erased_by": KEEP,
    "account.EmailAddress.user": DELETE,
    "mfa.Authenticator.user": DELETE,
    "authtoken.Token.user": DELETE,
    "wagtailcore.APIToken.user": DELETE,
    "wagtailusers.UserProfile.user": DELETE,  # admin preferences and avatar
    "wagtailadmin.EditingSession.user": DELETE,
    "wagtailadmin.FormState.user": DELETE,
    "wagtailcore.PageSubscription.user": DELETE,
    # What the person did as staff: other people's records, kept (listed by id in the export).
    "enrolments.Enrollment.decided_by": KEEP,
    "enrolments.Enrollment.nominated_by": KEEP,
    "enrolments.BulkEnrolmentJob.uploaded_by": KEEP,
    "enrolments.BulkEnrolmentJob.applied_by": KEEP,
    "seminars.Registration.decided_by": KEEP,
    "seminars.Attendance.marked_by": KEEP,
    "seminars.SeminarPage.organisers": KEEP,
    "courses.CoursePage.trainers": KEEP,
    "certificates.CertificateJob.created_by": KEEP,
    "metrics.MetricsReport.requested_by": KEEP,
    "h5p.H5PPackage.uploaded_by": KEEP,
    "wagtailcore.Page.owner": KEEP,
    "wagtailcore.Page.locked_by": KEEP,
    "wagtailcore.Revision.user": KEEP,
    "wagtailcore.PageLogEntry.user": KEEP,
    "wagtailcore.ModelLogEntry.user": KEEP,
    "wagtailcore.WorkflowState.requested_by": KEEP,
    "wagtailcore.TaskState.finished_by": KEEP,
    "wagtailcore.Comment.user": KEEP,
    "wagtailcore.Comment.resolved_by": KEEP,
    "wagtailcore.CommentReply.user": KEEP,
    "wagtailcore.UploadedFile.uploaded_by_user": KEEP,
    "wagtailimages.Image.uploaded_by_user": KEEP,
    "wagtaildocs.Document.uploaded_by_user": KEEP,
    "wagtail_localize.StringTranslation.last_translated_by": KEEP,
    "wagtail_localize.SegmentOverride.last_translated_by": KEEP,
    "admin.LogEntry.user": KEEP,
}

# Relations exported field by field in their own section; every other relation is exported as a list of ids.
_OWN_SECTIONS = {
    "enrolments.Enrollment.user", "seminars.Registration.user", "certificates.Certificate.user",
    "h5p.XAPIStatement.user", "h5p.H5PUserData.user", "crm.Network.members", "accounts.User.erased_by",
    "account.EmailAddress.user", "mfa.Authenticator.user", "authtoken.Token.user", "wagtailcore.APIToken.user",
    "wagtailusers.UserProfile.user", "wagtailcore.Comment.user", "wagtailcore.CommentReply.user",
    "seminars.SeminarPage.organisers", "courses.CoursePage.trainers",
}


def user_relations() -> dict[str, object]:
    """Every field of an installed model that points at the user model, keyed "app_label.Model.field" (declared
    on that model: inherited page fields are listed once, on wagtailcore.Page)."""
    from django.apps import apps

    user_model = get_user_model()
    found = {}
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.get_fields():
            if (field.is_relation and not field.auto_created and field.related_model is user_model
                    and field.model is model):
                found[f"{model._meta.label}.{field.name}"] = field
    return found


# --- Export ----------------------------------------------------------------------------------------------------


def _plain(value):
    """A JSON-ready copy: dates as ISO 8601, decimals and UUIDs as strings, countries as their codes."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _fields(obj, *names: str) -> dict:
    return {name: getattr(obj, name) for name in names}


def _title(page) -> str:
    return page.title if page is not None else ""


def _account(user) -> dict:
    account = _fields(user, "email", "full_name", "position", "gender", "preferred_language", "date_joined",
                      "last_login", "is_active", "erased_at")
    account["country"] = user.country.code if user.country else ""
    account["focal_point_country"] = user.focal_point_country.code if user.focal_point_country else ""
    account["institution"] = ({"name": user.institution.name, "acronym": user.institution.acronym,
                               "country": user.institution.country.code, "type": user.institution.type}
                              if user.institution else None)
    account["roles"] = sorted(user.groups.values_list("name", flat=True))
    account["networks"] = sorted(user.networks.values_list("slug", flat=True))
    return account


def _sign_in(user) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from rest_framework.authtoken.models import Token
    from wagtail.models import APIToken
    from wagtail.users.models import UserProfile

    profile = UserProfile.objects.filter(user=user).first()
    return {
        "email_addresses": [_fields(a, "email", "verified", "primary")
                            for a in EmailAddress.objects.filter(user=user).order_by("pk")],
        # Never the secrets themselves: which second factors exist and when they were used.
        "second_factors": [_fields(a, "type", "created_at", "last_used_at")
                           for a in Authenticator.objects.filter(user=user).order_by("pk")],
        "api_tokens": [{"kind": "metrics API", "created": token.created}
                       for token in Token.objects.filter(user=user)]
        + [{"kind": "admin API", "name": token.name, "prefix": token.prefix, "created": token.created,
            "last_used_at": token.last_used_at, "revoked_at": token.revoked_at}
           for token in APIToken.objects.filter(user=user)],
        "admin_preferences": (_fields(profile, "preferred_language", "current_time_zone") | {
            "has_avatar": bool(profile.avatar)} if profile else None),
    }


def _enrolments(user) -> list[dict]:
    from metrics.models import ActivityMonth

    enrolments = (user.enrollments.select_related("course", "institution")
                  .prefetch_related("progress", "quiz_attempts", "h5p_attempts").order_by("requested_at", "pk"))
    months: dict[int, list] = {}
    for enrollment_id, month in (ActivityMonth.objects.filter(enrollment__user=user)
                                 .order_by("month").values_list("enrollment_id", "month")):
        months.setdefault(enrollment_id, []).append(month)
    result = []
    for enrollment in enrolments:
        item = _fields(enrollment, "course_key", "status", "requested_at", "activated_at", "completed_at",
                       "ended_at", "decision_reason", "institution_type", "gender")
        item["course"] = _title(enrollment.course)
        item["country_at_enrolment"] = str(enrollment.country or "")
        item["institution_at_enrolment"] = enrollment.institution.name if enrollment.institution else ""
        item["lesson_progress"] = [
            _fields(p, "lesson_key", "status", "first_visit_at", "last_visit_at", "completed_at")
            for p in sorted(enrollment.progress.all(), key=lambda p: (p.first_visit_at, p.pk))]
        item["quiz_attempts"] = [
            _fields(a, "lesson_key", "block_id", "number", "score_percent", "passed", "answers", "correct_questions",
                    "created_at") for a in enrollment.quiz_attempts.all()]
        item["h5p_results"] = [
            _fields(a, "lesson_key", "block_id", "score", "max_score", "best_percent", "completed", "success",
                    "completed_at", "updated_at") for a in sorted(enrollment.h5p_attempts.all(), key=lambda a: a.pk)]
        item["months_with_activity"] = months.get(enrollment.pk, [])
        result.append(item)
    return result


def _registrations(user) -> list[dict]:
    registrations = (user.seminar_registrations.select_related("seminar", "institution")
                     .prefetch_related("attendance").order_by("requested_at", "pk"))
    result = []
    for registration in registrations:
        item = _fields(registration, "seminar_key", "status", "requested_at", "confirmed_at", "waitlisted_at",
                       "ended_at", "decision_reason", "attended_at", "institution_type", "gender")
        item["seminar"] = _title(registration.seminar)
        item["country_at_registration"] = str(registration.country or "")
        item["institution_at_registration"] = registration.institution.name if registration.institution else ""
        item["attendance"] = [_fields(a, "session_key", "present", "marked_at")
                              for a in sorted(registration.attendance.all(), key=lambda a: a.marked_at)]
        result.append(item)
    return result


def _certificates(user) -> list[dict]:
    from certificates.models import Certificate
    from certificates.pdf import verify_url

    result = []
    for certificate in Certificate.objects.filter(user=user).order_by("created_at", "pk"):
        item = _fields(certificate, "code", "kind", "status", "learner_name", "subject_title", "hours", "issued_on",
                       "language", "second_language", "country", "course_key", "pdf_sha256", "created_at",
                       "rendered_at", "revoked_at", "revoked_reason")
        item["verify_url"] = verify_url(certificate.code)
        result.append(item)
    return result


def _h5p(user) -> dict:
    from h5p.models import H5PUserData, XAPIStatement

    return {
        "xapi_statements": [_fields(s, "stored_at", "statement")
                            for s in XAPIStatement.objects.filter(user=user).order_by("stored_at", "pk")],
        "saved_state": [_fields(d, "lesson_key", "block_id", "sub_content_id", "data_type", "data", "updated_at")
                        for d in H5PUserData.objects.filter(user=user).order_by("pk")],
    }


def _staff_work(user) -> dict:
    """Comments the person wrote in the admin, pages they teach or organise, and the ids of records of what they did
    as staff (decisions, uploads, revisions...), which belong to other people's files."""
    from wagtail.models import Comment, CommentReply

    from courses.models import CoursePage
    from seminars.models import SeminarPage

    work = {
        "comments": [_fields(c, "page_id", "text", "created_at") for c in Comment.objects.filter(user=user)]
        + [_fields(r, "comment_id", "text", "created_at") for r in CommentReply.objects.filter(user=user)],
        "records": {},
    }
    work["courses_taught"] = sorted(CoursePage.objects.filter(trainers=user).values_list("title", flat=True))
    work["seminars_organised"] = sorted(SeminarPage.objects.filter(organisers=user).values_list("title", flat=True))
    for label, field in sorted(user_relations().items()):
        if label in _OWN_SECTIONS or field.many_to_many:
            continue
        ids = list(field.model._default_manager.filter(**{field.name: user}).order_by("pk")
                   .values_list("pk", flat=True))
        if ids:
            work["records"][label] = ids
    return work


def personal_data_export(*, user) -> dict:
    """Everything the platform holds about `user`, as a JSON-serialisable dict (see USER_RELATIONS)."""
    return _plain({
        "format": FORMAT,
        "exported_at": timezone.now(),
        "site": settings.SITE_URL,
        "account": _account(user),
        **_sign_in(user),
        "enrolments": _enrolments(user),
        "seminar_registrations": _registrations(user),
        "certificates": _certificates(user),
        **_h5p(user),
        "staff_work": _staff_work(user),
    })


def personal_data_export_json(*, user) -> bytes:
    return json.dumps(personal_data_export(user=user), ensure_ascii=False, indent=2).encode()


# --- Erasure ---------------------------------------------------------------------------------------------------

_AGENT_IDENTIFIERS = ("name", "mbox", "mbox_sha1sum", "openid")


def _agent_scrubbed(agent):
    """An xAPI Agent or Group without name or mailbox; only our own pseudonymous account (the user's id) stays."""
    if not isinstance(agent, dict):
        return agent
    clean = {key: value for key, value in agent.items() if key not in _AGENT_IDENTIFIERS and key != "account"}
    account = agent.get("account")
    if isinstance(account, dict) and account.get("homePage") == settings.SITE_URL:
        clean["account"] = {"homePage": account["homePage"], "name": str(account.get("name", ""))}
    if isinstance(agent.get("member"), list):
        clean["member"] = [_agent_scrubbed(member) for member in agent["member"]]
    return clean


def xapi_statement_scrubbed(statement: dict) -> dict:
    """The statement without the learner's name or mailbox (actor, context instructor/team, sub-statements).
    The authority is the platform's own agent and stays."""
    if not isinstance(statement, dict):
        return statement
    clean = dict(statement)
    if "actor" in clean:
        clean["actor"] = _agent_scrubbed(clean["actor"])
    context = clean.get("context")
    if isinstance(context, dict):
        clean["context"] = {key: _agent_scrubbed(value) if key in ("instructor", "team") else value
                            for key, value in context.items()}
    obj = clean.get("object")
    if isinstance(obj, dict):
        if obj.get("objectType") in ("Agent", "Group"):
            clean["object"] = _agent_scrubbed(obj)
        elif obj.get("objectType") == "SubStatement":
            clean["object"] = xapi_statement_scrubbed(obj)
    return clean


def _sessions_end(user) -> int:
    """Delete the user's stored sessions (database-backed engines). Any other engine is covered too: the new,
    unusable password changes the session hash, so Django signs those sessions out on their next request."""
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    ended = 0
    for session in store.get_model_class().objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id", "")) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def _xapi_scrub(user) -> None:
    from h5p.models import XAPIStatement

    batch = []
    for record in XAPIStatement.objects.filter(user=user).only("pk", "statement").iterator(chunk_size=500):
        record.statement = xapi_statement_scrubbed(record.statement)
        batch.append(record)
        if len(batch) == 500:
            XAPIStatement.objects.bulk_update(batch, ["statement"])
            batch = []
    if batch:
        XAPIStatement.objects.bulk_update(batch, ["statement"])


def _certificates_void(user) -> list:
    """Void the name on every certificate of the user and forget its PDF; return the files to delete after commit
    (with the bulk ZIPs of those courses, which may hold a copy)."""
    from certificates.models import Certificate, CertificateJob

    certificates = list(Certificate.objects.select_for_update().filter(user=user))
    files = [(c.pdf.storage, c.pdf.name) for c in certificates if c.pdf]
    for certificate in certificates:
        certificate.learner_name = ""
        certificate.pdf = ""
        certificate.pdf_sha256 = ""  # the hash of a PDF naming the person: it would still tie a copy to them
    Certificate.objects.bulk_update(certificates, ["learner_name", "pdf", "pdf_sha256"])
    keys = {c.course_key for c in certificates if c.course_key}
    zips = list(CertificateJob.objects.filter(action=CertificateJob.Action.ZIP, course_key__in=keys).exclude(result=""))
    files += [(job.result.storage, job.result.name) for job in zips]
    CertificateJob.objects.filter(pk__in=[job.pk for job in zips]).update(result="")
    return files


def _bulk_reports_scrub(*, email: str) -> None:
    """Bulk enrolment reports keep each uploaded row (e-mail, name, position...): blank the person's rows, keeping
    the row number, outcome and ids."""
    from enrolments.bulk_models import BulkEnrolmentJob

    needle = email.casefold()
    jobs = (BulkEnrolmentJob.objects.annotate(text=Cast("report", TextField()))
            .filter(text__icontains=email).only("pk", "report"))
    for job in jobs:
        rows = job.report.get("rows") if isinstance(job.report, dict) else None
        if not isinstance(rows, list):
            continue
        for row in rows:
            if isinstance(row, dict) and str(row.get("email", "")).strip().casefold() == needle:
                row["reason"] = str(row.get("reason", "")).replace(str(row["email"]), "")
                row["email"] = ""
                row["data"] = {}
        BulkEnrolmentJob.objects.filter(pk=job.pk).update(report=job.report)


def _files_delete(files: list) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - the rows no longer point at the file; an orphan is logged, not fatal
            logger.warning("could not delete %s after an erasure", name, exc_info=True)


def personal_data_erase(*, user, by=None):
    """Anonymise `user` in one transaction (see the module docstring); `by` is who asked (None: the person).
    A second call does nothing. Files (certificate PDFs, ZIPs holding them) are deleted once the change is
    committed."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.contenttypes.models import ContentType
    from rest_framework.authtoken.models import Token
    from wagtail.admin.models import EditingSession, FormState
    from wagtail.models import APIToken, ModelLogEntry, PageSubscription
    from wagtail.users.models import UserProfile

    from h5p.models import H5PUserData

    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.select_for_update().get(pk=user.pk)
        if user.erased_at is not None:
            return user
        if user.is_superuser:
            raise ValidationError(_("A superuser's account cannot be erased; remove the superuser status first."),
                                  code="superuser")
        old_email = user.email
        user.email = f"erased-{secrets.token_hex(8)}@{ERASED_EMAIL_DOMAIN}"
        user.full_name = ""
        user.position = ""
        user.gender = ""
        user.set_unusable_password()
        user.is_active = False
        user.erased_at = timezone.now()
        user.erased_by = by if by is not None else user
        user.save(update_fields=["email", "full_name", "position", "gender", "password", "is_active", "erased_at",
                                 "erased_by"])
        user.user_permissions.clear()

        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        Token.objects.filter(user=user).delete()
        APIToken.objects.filter(user=user).delete()
        files = [(p.avatar.storage, p.avatar.name) for p in UserProfile.objects.filter(user=user) if p.avatar]
        UserProfile.objects.filter(user=user).delete()
        EditingSession.objects.filter(user=user).delete()
        FormState.objects.filter(user=user).delete()
        PageSubscription.objects.filter(user=user).delete()
        H5PUserData.objects.filter(user=user).delete()
        _xapi_scrub(user)
        files += _certificates_void(user)
        _bulk_reports_scrub(email=old_email)
        # Admin history of the account itself is labelled with the user's name at the time.
        ModelLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(user_model),
                                     object_id=str(user.pk)).update(label=str(user))
        _sessions_end(user)
        transaction.on_commit(lambda: _files_delete(files))
    logger.info("personal data of user %s erased (requested by user %s)", user.pk, user.erased_by_id)
    return user
