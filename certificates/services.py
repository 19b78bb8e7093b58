"""Issuing, rendering, revoking and reissuing certificates."""

import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Locale

from certificates.codes import code_new
from certificates.models import Certificate, CertificateTemplate
from core.queue import enqueue_on_commit


def certificate_on_course_completed(*, enrollment_id: int) -> None:
    """The `course_completed` handler: create the certificate row now, render it in a Celery task."""
    certificate = certificate_request(enrollment_id=enrollment_id)
    if certificate is not None and certificate.status == Certificate.Status.PENDING:
        certificate_render_later(certificate.pk)


def _course_template(course) -> CertificateTemplate | None:
    """The template chosen on the course (on any language version: translations may lag behind)."""
    from courses.models import CoursePage

    if course is None:
        return None
    if course.certificate_template_id:
        return course.certificate_template
    version = (CoursePage.objects.filter(translation_key=course.translation_key, certificate_template__isnull=False)
               .select_related("certificate_template").first())
    return version.certificate_template if version else None


def page_title_in(page, language: str) -> str:
    """A course's or seminar's title in `language` (its translation's), else in its own language."""
    locale = Locale.objects.filter(language_code=language).first()
    version = page.get_translation_or_none(locale) if locale else None
    return (version or page).title


def certificate_request(*, enrollment_id: int) -> Certificate | None:
    """The certificate of a completed enrolment: created once (pending) and returned on every later call.

    Concurrent calls for the same learner and course meet at the database's unique constraint; the loser gets
    the winner's row. None when the enrolment is not completed or its course issues no certificate.
    """
    from enrolments.models import Enrollment

    enrollment = Enrollment.objects.select_related("user", "course").filter(pk=enrollment_id).first()
    if enrollment is None or enrollment.status != Enrollment.Status.COMPLETED or enrollment.course is None:
        return None
    template = _course_template(enrollment.course)
    if template is None:
        return None
    return _certificate_once(
        user=enrollment.user, course_key=enrollment.course_key, kind=Certificate.Kind.COMPLETION,
        fields={
            "enrollment": enrollment, "course": enrollment.course, "template": template,
            "country": enrollment.country or enrollment.user.country or "",
            "hours": enrollment.course.estimated_hours,
        },
        language_source=enrollment.user.preferred_language,
        title=lambda language: page_title_in(enrollment.course, language),
    )


def certificate_on_seminar_attended(*, registration_id: int) -> None:
    """Called once a participant reaches the seminar's attendance threshold: the certificate of attendance."""
    certificate = certificate_request_for_registration(registration_id=registration_id)
    if certificate is not None and certificate.status == Certificate.Status.PENDING:
        certificate_render_later(certificate.pk)


def certificate_request_for_registration(*, registration_id: int) -> Certificate | None:
    """The attendance certificate of a seminar registration that reached the threshold; created once."""
    from seminars.models import Registration, SeminarPage

    registration = Registration.objects.select_related("user", "seminar").filter(pk=registration_id).first()
    if registration is None or registration.attended_at is None or registration.seminar is None:
        return None
    seminar = registration.seminar
    template = seminar.certificate_template or next(
        (v.certificate_template for v in SeminarPage.objects.filter(translation_key=seminar.translation_key,
                                                                    certificate_template__isnull=False)
         .select_related("certificate_template")), None)
    if template is None:
        return None
    return _certificate_once(
        user=registration.user, course_key=registration.seminar_key, kind=Certificate.Kind.ATTENDANCE,
        fields={"registration": registration, "seminar": seminar, "template": template,
                "country": registration.country or registration.user.country or "", "hours": seminar.hours},
        language_source=registration.user.preferred_language,
        title=lambda language: page_title_in(seminar, language),
    )


def current_certificate(*, user, course_key, kind=Certificate.Kind.COMPLETION) -> Certificate | None:
    return (Certificate.objects.filter(user=user, course_key=course_key, kind=kind)
            .exclude(status=Certificate.Status.SUPERSEDED).first())


def _certificate_once(*, user, course_key, kind, fields: dict, language_source: str, title) -> Certificate | None:
    if user.is_erased:
        return None  # the person's data was erased (accounts.privacy): no new document may name them
    if existing := current_certificate(user=user, course_key=course_key, kind=kind):
        return existing
    template = fields["template"]
    languages = template.languages_for(language_source)
    for _attempt in range(3):
        certificate = Certificate(
            code=code_new(), user=user, course_key=course_key, kind=kind, learner_name=user.full_name or user.email,
            subject_title=title(languages[0]), language=languages[0],
            second_language=languages[1] if len(languages) > 1 else "", **fields,
        )
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError:
            if existing := current_certificate(user=user, course_key=course_key, kind=kind):
                return existing
            continue  # a code collision (60 random bits: practically never): draw another
        return certificate
    raise RuntimeError("Could not draw a free certificate code.")


def certificate_render_later(certificate_id: int) -> None:
    """Queue the rendering after commit. If the broker is down the certificate stays pending and the periodic
    sweep queues it again: the learner's request never fails for it."""
    from certificates.tasks import certificate_render

    enqueue_on_commit(certificate_render, certificate_id)


def certificate_render(*, certificate_id: int) -> Certificate | None:
    """Render and store the PDF of a pending certificate, mark it valid and e-mail the learner. Idempotent: a
    second call (retry, duplicate delivery) finds it valid and does nothing."""
    from certificates.notifications import certificate_issued_email
    from certificates.pdf import certificate_pdf

    with transaction.atomic():
        certificate = (Certificate.objects.select_for_update(of=("self",)).select_related("template", "user")
                       .filter(pk=certificate_id).first())
        if certificate is None or certificate.status != Certificate.Status.PENDING:
            return certificate
        _store_pdf(certificate, certificate_pdf(certificate))
        certificate.status = Certificate.Status.VALID
        certificate.save(update_fields=["pdf", "pdf_sha256", "status", "rendered_at"])
        transaction.on_commit(lambda: certificate_issued_email(certificate))
    return certificate


def _store_pdf(certificate: Certificate, pdf: bytes) -> None:
    """Write the PDF under its code's name and record it and its SHA-256 (the caller saves the row).

    A failed write (a full disk: OSError ENOSPC, often only when the file is closed) leaves no partial file, and
    the file the row pointed to (a re-render's) is kept until the new one is written and the row committed, so
    a certificate never references a missing or half-written PDF."""
    storage = certificate.pdf.storage
    previous = certificate.pdf.name
    name = f"{certificate.code[:2]}/{certificate.code}.pdf"
    if name != previous and storage.exists(name):
        storage.delete(name)  # left by an attempt whose transaction rolled back
    target = storage.get_available_name(name) if storage.exists(name) else name
    try:
        saved = storage.save(target, ContentFile(pdf))
    except OSError:
        if storage.exists(target):
            storage.delete(target)
        raise
    certificate.pdf.name = saved
    certificate.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    certificate.rendered_at = timezone.now()
    if previous and previous != saved:
        transaction.on_commit(lambda: storage.delete(previous))


def certificate_revoke(*, certificate: Certificate, user, reason: str) -> Certificate:
    """Revoke with a reason (required); the verification page then says revoked, with the date, and the Open
    Badges status list marks it."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from certificates.credentials import status_list_forget

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for revoking the certificate."), code="reason")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status not in (Certificate.Status.VALID, Certificate.Status.PENDING):
            raise ValidationError(_("Only a valid certificate can be revoked."), code="status")
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason
        certificate.save(update_fields=["status", "revoked_at", "revoked_reason"])
        log(certificate, "certificates.revoke", user=user, data={"reason": reason})
        transaction.on_commit(status_list_forget)  # verifiers see the revocation at once
    return certificate


def certificate_reissue(*, certificate: Certificate, user, learner_name: str = "") -> Certificate:
    """Issue a corrected certificate (e.g. a name typo) that supersedes this one; the old code then points to it."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    with transaction.atomic():
        old = (Certificate.objects.select_for_update(of=("self",)).select_related("user", "course")
               .get(pk=certificate.pk))
        if old.status == Certificate.Status.SUPERSEDED:
            raise ValidationError(_("This certificate was already replaced."), code="status")
        if old.user.is_erased:
            raise ValidationError(_("The holder's personal data was erased: the certificate cannot be reissued."),
                                  code="erased")
        old.status = Certificate.Status.SUPERSEDED
        old.save(update_fields=["status"])
        new = Certificate.objects.create(
            code=code_new(), kind=old.kind, user=old.user, enrollment=old.enrollment, course_key=old.course_key,
            course=old.course, seminar=old.seminar, registration=old.registration, template=old.template,
            learner_name=(learner_name or old.user.full_name or old.learner_name).strip(),
            country=old.country,
            subject_title=page_title_in(old.course or old.seminar, old.language) if (old.course or old.seminar)
            else old.subject_title,
            hours=old.hours, language=old.language, second_language=old.second_language,
        )
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
        log(old, "certificates.reissue", user=user, data={"new_code": new.code})
        certificate_render_later(new.pk)
    return new


def certificate_sweep() -> int:
    """Issue what is missing: certificates of completed enrolments and of seminar attendance that have none, and
    pending ones older than a few minutes (their task was lost: broker down, worker killed). Returns how many were
    queued."""
    from datetime import timedelta

    from enrolments.models import Enrollment
    from seminars.models import Registration

    issued_statuses = [Certificate.Status.PENDING, Certificate.Status.VALID, Certificate.Status.REVOKED]
    missing = (Enrollment.objects.filter(status=Enrollment.Status.COMPLETED, course__isnull=False)
               .exclude(certificates__status__in=issued_statuses).values_list("pk", flat=True))
    queued = _request_and_queue(missing, lambda pk: certificate_request(enrollment_id=pk))
    attended = (Registration.objects.filter(attended_at__isnull=False, seminar__certificate_template__isnull=False)
                .exclude(certificates__status__in=issued_statuses).values_list("pk", flat=True))
    queued += _request_and_queue(attended, lambda pk: certificate_request_for_registration(registration_id=pk))
    stale = Certificate.objects.filter(status=Certificate.Status.PENDING,
                                       created_at__lt=timezone.now() - timedelta(minutes=5))
    for certificate_id in stale.values_list("pk", flat=True):
        certificate_render_later(certificate_id)
        queued += 1
    return queued


def _request_and_queue(ids, request) -> int:
    """Create (or find) the certificate for each id and queue the pending ones; how many were queued."""
    queued = 0
    for pk in ids.iterator():
        certificate = request(pk)
        if certificate is not None and certificate.status == Certificate.Status.PENDING:
            certificate_render_later(certificate.pk)
            queued += 1
    return queued


def certificate_rerender(*, certificate_id: int) -> Certificate | None:
    """Render a valid certificate again with its template's current design; code, texts and status stay."""
    from certificates.pdf import certificate_pdf

    with transaction.atomic():
        certificate = (Certificate.objects.select_for_update(of=("self",)).select_related("template")
                       .filter(pk=certificate_id, status=Certificate.Status.VALID, user__erased_at__isnull=True)
                       .first())
        if certificate is None:
            return None
        _store_pdf(certificate, certificate_pdf(certificate))
        certificate.save(update_fields=["pdf", "pdf_sha256", "rendered_at"])
    return certificate
