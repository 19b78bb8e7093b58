"""Demo history for the capacity metrics: three years of enrolments by officials of the eleven member states on
the demo courses, with completions, lesson activity and yearly targets, so the dashboard, the report and the
public results page have figures to show. Deterministic (a fixed random seed) and idempotent."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import Institution, User
from courses.models import CoursePage, LessonPage
from crm.models import ActionPlanLine, CrmCountry
from enrolments.models import Enrollment
from metrics.models import ActivityMonth, CountryTarget, month_start
from metrics.public import results_page_ensure
from metrics.services import activity_backfill, offerings_rebuild
from quizzes.models import QuizAttempt

MARKER = "@historial.demo.campus-crm.org"  # e-mail domain of the generated officials
OFFICIALS_PER_COUNTRY = 14
GENDERS = ["female", "male", "female", "male", "undisclosed"]
FIRST = ["Ana", "Luis", "María", "José", "Carmen", "Jorge", "Rosa", "Pedro", "Elena", "Raúl", "Lucía", "Óscar",
         "Marta", "Iván"]
LAST = ["García", "Martínez", "López", "Hernández", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
        "Cruz", "Flores", "Morales", "Vargas", "Castillo"]
# (country, year, measure, Action Plan line slug or "", target)
TARGETS = [("MX", 0, "officials_trained", "", 15), ("GT", 0, "officials_trained", "", 12),
           ("HN", 0, "completions", "", 10), ("CR", 0, "training_hours", "training", 120),
           ("SV", 0, "seminar_participants", "", 8)]


def _officials(rng: random.Random) -> list[User]:
    existing = list(User.objects.filter(email__endswith=MARKER))
    if existing:
        return existing
    institutions: dict[str, list[Institution]] = {}
    for institution in Institution.objects.all():
        institutions.setdefault(str(institution.country), []).append(institution)
    users = []
    for country in CrmCountry.objects.filter(status=CrmCountry.Status.MEMBER).values_list("country", flat=True):
        for n in range(OFFICIALS_PER_COUNTRY):
            user = User(email=f"{country.lower()}{n:02d}{MARKER}", full_name=f"{rng.choice(FIRST)} "
                        f"{rng.choice(LAST)} {rng.choice(LAST)}", country=country, gender=rng.choice(GENDERS),
                        institution=rng.choice(institutions[country]) if institutions.get(country) else None,
                        position="Oficial de migración", preferred_language="en" if country == "CA" else "es")
            user.set_unusable_password()
            users.append(user)
    return User.objects.bulk_create(users)


def _final_attempts(rng: random.Random, completed: list[Enrollment]) -> list[QuizAttempt]:
    """A passed attempt at every quiz of the final assessment for each completion (a completion needs one)."""
    finals: dict[int, list[tuple]] = {}
    attempts = []
    for enrollment in completed:
        if enrollment.course_id not in finals:
            finals[enrollment.course_id] = [
                (lesson.translation_key, block.id)
                for lesson in LessonPage.objects.live().descendant_of(enrollment.course).filter(final_assessment=True)
                for block in lesson.body if block.block_type == "quiz"]
        for lesson_key, block_id in finals[enrollment.course_id]:
            attempts.append(QuizAttempt(enrollment=enrollment, lesson_key=lesson_key, block_id=block_id, number=1,
                                        score_percent=Decimal(rng.randint(70, 100)), passed=True,
                                        created_at=enrollment.completed_at))
    return attempts


def seed_metrics(stdout) -> None:
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    officials = _officials(rng)
    courses = list(CoursePage.objects.live().filter(locale__language_code="es").order_by("pk"))
    if courses and not Enrollment.objects.filter(user__email__endswith=MARKER).exists():
        today = timezone.now()
        enrolments, months = [], []
        for user in officials:
            for course in rng.sample(courses, k=min(len(courses), rng.randint(1, 3))):
                requested = today - datetime.timedelta(days=rng.randint(20, 3 * 365))
                status = rng.choices(["completed", "active", "withdrawn"], weights=[55, 35, 10])[0]
                completed = requested + datetime.timedelta(days=rng.randint(7, 90)) if status == "completed" else None
                if completed and completed > today:
                    completed = today - datetime.timedelta(days=1)
                enrolments.append(Enrollment(
                    user=user, course=course, course_key=course.translation_key, status=status,
                    activated_at=requested, completed_at=completed,
                    ended_at=requested + datetime.timedelta(days=30) if status == "withdrawn" else None,
                    country=user.country, institution=user.institution,
                    institution_type=user.institution.type if user.institution else "", gender=user.gender))
        Enrollment.objects.bulk_create(enrolments)
        # requested_at is set on creation (auto_now_add): spread it over the three years afterwards.
        for enrollment in enrolments:
            Enrollment.objects.filter(pk=enrollment.pk).update(requested_at=enrollment.activated_at)
            for moment in {enrollment.activated_at, enrollment.completed_at or enrollment.activated_at}:
                months.append(ActivityMonth(enrollment_id=enrollment.pk, month=month_start(moment)))
        ActivityMonth.objects.bulk_create(months, ignore_conflicts=True)
        QuizAttempt.objects.bulk_create(_final_attempts(rng, [e for e in enrolments if e.status == "completed"]))
        stdout.write(f"{len(officials)} officials with {len(enrolments)} enrolments over three years (metrics demo).")
    offerings_rebuild()
    activity_backfill()
    year = timezone.localdate().year
    lines = {line.slug: line for line in ActionPlanLine.objects.all()}
    for country, offset, measure, line, target in TARGETS:
        CountryTarget.objects.update_or_create(
            country=country, year=year + offset, measure=measure, action_plan_line=lines.get(line) if line else None,
            defaults={"target": target})
    results_page_ensure()
    stdout.write(f"Capacity metrics: offerings refreshed, {len(TARGETS)} country targets for {year}, public results "
                 "page at /resultados/.")

