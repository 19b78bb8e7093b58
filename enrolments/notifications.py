"""E-mails about enrolments, written in each recipient's preferred language and queued through Celery."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from accounts.roles import Role
from enrolments.models import Enrollment


def _send(user, template: str, context: dict) -> None:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"user": user, "site_url": settings.WAGTAILADMIN_BASE_URL, **context}
        subject = " ".join(render_to_string(f"enrolments/email/{template}_subject.txt", context).split())
        body = render_to_string(f"enrolments/email/{template}_message.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [user.email])


def _course_context(enrollment: Enrollment) -> dict:
    course = enrollment.course
    return {"enrollment": enrollment, "course_title": course.title if course else "",
            "course_url": course.get_full_url() if course else settings.WAGTAILADMIN_BASE_URL}


def enrollment_status_email(enrollment: Enrollment) -> None:
    """Tell the learner where their enrolment stands (confirmed, received, approved, rejected)."""
    templates = {
        Enrollment.Status.ACTIVE: "enrolled",
        Enrollment.Status.PENDING: "request_received",
        Enrollment.Status.REJECTED: "rejected",
    }
    template = templates.get(enrollment.status)
    if template:
        _send(enrollment.user, template, _course_context(enrollment))


def focal_points_new_request_email(enrollment: Enrollment) -> None:
    """Tell the focal points of the learner's country that a request waits for them."""
    focal_points = get_user_model().objects.filter(
        groups__name=Role.FOCAL_POINT, focal_point_country=enrollment.country, is_active=True)
    for focal_point in focal_points:
        _send(focal_point, "request_to_decide",
              {**_course_context(enrollment), "learner": enrollment.user,
               "queue_url": settings.WAGTAILADMIN_BASE_URL + "/admin/enrolment-requests/"})


def course_completed_email(*, enrollment_id: int) -> None:
    """COURSE_COMPLETED_HANDLERS entry: congratulate the learner."""
    enrollment = Enrollment.objects.select_related("user", "course").get(pk=enrollment_id)
    _send(enrollment.user, "course_completed", _course_context(enrollment))
