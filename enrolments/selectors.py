"""Reads on enrolments and progress."""

from enrolments.models import SEAT_STATUSES, Enrollment, LessonProgress

LEARNING_STATUSES = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


def enrollment_for(*, user, course) -> Enrollment | None:
    """The user's enrolment in this course identity (any language version), if any."""
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course_key=course.translation_key).first()


def course_seats_left(course) -> int | None:
    """Seats still free in the course identity (every language version counts), or None when unlimited."""
    if course.seat_limit is None:
        return None
    taken = Enrollment.objects.filter(course_key=course.translation_key, status__in=SEAT_STATUSES).count()
    return max(course.seat_limit - taken, 0)


def completed_lesson_keys(*, enrollment: Enrollment | None) -> set:
    if enrollment is None:
        return set()
    return set(LessonProgress.objects.filter(enrollment=enrollment, status=LessonProgress.Status.COMPLETED)
               .values_list("lesson_key", flat=True))


def may_study(*, user, course, enrollment: Enrollment | None) -> bool:
    """Enrolled learners (active or completed), the course's trainers and the Secretariat open lessons."""
    if not user.is_authenticated:
        return False
    if user.is_secretariat or (enrollment is not None and enrollment.status in LEARNING_STATUSES):
        return True
    return course.trainers.filter(pk=user.pk).exists()


def next_lesson(*, lessons: list, done: set):
    """The first lesson not yet completed, in outline order ("continue where you left off")."""
    return next((lesson for lesson in lessons if lesson.translation_key not in done), None)


def learner_dashboard(*, user) -> dict:
    """The learner's enrolments grouped by state, each with its course and progress. Fixed number of queries."""
    from django.db.models import Count, Q

    from courses.models import LessonPage

    enrollments = list(
        Enrollment.objects.filter(user=user).exclude(status=Enrollment.Status.WITHDRAWN)
        .select_related("course", "course__locale", "course__action_plan_line")
        .annotate(done=Count("progress", filter=Q(progress__status=LessonProgress.Status.COMPLETED)))
        .order_by("-requested_at")
    )
    courses = [e.course for e in enrollments if e.course is not None]
    totals: dict[int, int] = {}
    if courses:
        in_courses = Q()
        for course in courses:
            in_courses |= Q(path__startswith=course.path)
        paths = {course.path: course.pk for course in courses}
        depth = courses[0].depth
        for path in LessonPage.objects.live().filter(in_courses, required=True).values_list("path", flat=True):
            course_pk = paths.get(path[: depth * LessonPage.steplen])
            if course_pk is not None:
                totals[course_pk] = totals.get(course_pk, 0) + 1
    for enrollment in enrollments:
        total = totals.get(enrollment.course_id, 0)
        enrollment.lesson_total = total
        enrollment.percent = 100 if enrollment.status == Enrollment.Status.COMPLETED else (
            round(100 * min(enrollment.done, total) / total) if total else 0)
    by_status = {status: [e for e in enrollments if e.status == status] for status in Enrollment.Status.values}
    return {
        "in_progress": by_status[Enrollment.Status.ACTIVE],
        "pending": by_status[Enrollment.Status.PENDING],
        "completed": by_status[Enrollment.Status.COMPLETED],
        "rejected": by_status[Enrollment.Status.REJECTED],
    }
