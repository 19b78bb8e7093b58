"""The `course_completed` event: an explicit call, made once per enrolment after the completing transaction.

Subscribers are listed in settings.COURSE_COMPLETED_HANDLERS (dotted paths of functions taking
`enrollment_id`); the certificates capability adds its own there.
"""

from django.conf import settings
from django.utils.module_loading import import_string


def course_completed(*, enrollment_id: int) -> None:
    for path in settings.COURSE_COMPLETED_HANDLERS:
        import_string(path)(enrollment_id=enrollment_id)
