"""Demo enrolments: officials of several member states at every stage (pending, in progress, completed)."""

from decimal import Decimal

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Institution, User
from accounts.roles import Role
from accounts.services import role_assign
from courses.models import CoursePage, LessonPage
from enrolments.models import Enrollment, LessonProgress
from quizzes.blocks import quiz_questions
from quizzes.models import QuizAttempt

TRAFFICKING = "identificacion-victimas-trata-fronteras"
CONSULAR = "proteccion-consular-migrantes-transito"
RETURN = "derechos-humanos-procedimientos-retorno"
STATISTICS = "estadisticas-migratorias-intercambio-informacion"

# (e-mail, full name, country, institution acronym, position, gender, language)
OFFICIALS = [
    ("carlos.mejia@demo.campus-crm.org", "Carlos Mejía Fuentes", "HN", "INM", "Oficial de migración", "male", "es"),
    ("gabriela.rivas@demo.campus-crm.org", "Gabriela Rivas Portillo", "SV", "DGME", "Delegada de frontera",
     "female", "es"),
    ("luis.batista@demo.campus-crm.org", "Luis Batista Peña", "DO", "DGM", "Inspector", "male", "es"),
    ("marisol.herrera@demo.campus-crm.org", "Marisol Herrera Quintero", "PA", "SNM", "Supervisora de puesto",
     "female", "es"),
    ("daniel.ortiz@demo.campus-crm.org", "Daniel Ortiz Navarro", "MX", "INM", "Agente federal de migración", "male",
     "es"),
    ("sarah.cho@demo.campus-crm.org", "Sarah Cho", "CA", "IRCC", "Program officer", "female", "en"),
]

# (e-mail, course slug, status, lessons completed: "all" or a number)
ENROLMENTS = [
    ("oficial@demo.campus-crm.org", TRAFFICKING, Enrollment.Status.ACTIVE, 2),
    ("oficial@demo.campus-crm.org", STATISTICS, Enrollment.Status.COMPLETED, "all"),
    ("oficial@demo.campus-crm.org", CONSULAR, Enrollment.Status.PENDING, 0),
    ("carlos.mejia@demo.campus-crm.org", TRAFFICKING, Enrollment.Status.COMPLETED, "all"),
    ("carlos.mejia@demo.campus-crm.org", RETURN, Enrollment.Status.PENDING, 0),
    ("gabriela.rivas@demo.campus-crm.org", TRAFFICKING, Enrollment.Status.ACTIVE, 4),
    ("gabriela.rivas@demo.campus-crm.org", STATISTICS, Enrollment.Status.ACTIVE, 1),
    ("luis.batista@demo.campus-crm.org", STATISTICS, Enrollment.Status.COMPLETED, "all"),
    ("marisol.herrera@demo.campus-crm.org", CONSULAR, Enrollment.Status.ACTIVE, 1),
    ("daniel.ortiz@demo.campus-crm.org", CONSULAR, Enrollment.Status.PENDING, 0),
    ("daniel.ortiz@demo.campus-crm.org", TRAFFICKING, Enrollment.Status.ACTIVE, 0),
    ("sarah.cho@demo.campus-crm.org", STATISTICS, Enrollment.Status.ACTIVE, 2),
]


def seed_enrolments(stdout) -> None:
    """Create (or restore) the demo officials and their enrolments and progress. Idempotent."""
    for email, name, country, acronym, position, gender, language in OFFICIALS:
        user = User.objects.filter(email=email).first() or User(email=email)
        user.full_name, user.country, user.position, user.gender = name, country, position, gender
        user.preferred_language = language
        user.institution = Institution.objects.filter(country=country, acronym=acronym).first()
        user.set_unusable_password()
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        role_assign(user=user, role=Role.LEARNER)
    now = timezone.now()
    for email, slug, status, done in ENROLMENTS:
        user = User.objects.get(email=email)
        course = CoursePage.objects.get(slug=slug, locale__language_code="es")
        lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
        count = len(lessons) if done == "all" else done
        enrollment, _ = Enrollment.objects.update_or_create(
            user=user, course_key=course.translation_key,
            defaults={
                "course": course, "status": status, "country": user.country, "institution": user.institution,
                "institution_type": user.institution.type if user.institution else "", "gender": user.gender,
                "activated_at": None if status == Enrollment.Status.PENDING else now,
                "completed_at": now if status == Enrollment.Status.COMPLETED else None,
            },
        )
        for lesson in lessons[:count]:
            LessonProgress.objects.update_or_create(
                enrollment=enrollment, lesson_key=lesson.translation_key,
                defaults={"status": LessonProgress.Status.COMPLETED, "completed_at": now},
            )
            if lesson.has_quiz:
                _passed_attempts(enrollment, lesson)
            _completed_activities(enrollment, lesson)
    stdout.write(f"{len(OFFICIALS)} more officials; {len(ENROLMENTS)} enrolments (pending, in progress, completed).")


def _passed_attempts(enrollment: Enrollment, lesson: LessonPage) -> None:
    """A first attempt with every answer right for each quiz of a lesson the demo shows as completed."""
    for block in lesson.body:
        if block.block_type != "quiz":
            continue
        questions = quiz_questions(block.value)
        QuizAttempt.objects.update_or_create(
            enrollment=enrollment, lesson_key=lesson.translation_key, block_id=block.id, number=1,
            defaults={"score_percent": Decimal(100), "passed": True,
                      "answers": {q.id: sorted(q.correct_ids) for q in questions},
                      "correct_questions": [q.id for q in questions]},
        )


def _completed_activities(enrollment: Enrollment, lesson: LessonPage) -> None:
    """Full marks at the required H5P activities of a lesson the demo shows as completed."""
    from h5p.models import H5PAttempt
    from h5p.selectors import lesson_activities

    for activity in lesson_activities(lesson):
        if activity.required:
            H5PAttempt.objects.update_or_create(
                enrollment=enrollment, lesson_key=lesson.translation_key, block_id=activity.block_id,
                defaults={"package_id": activity.package_id, "score": 1, "max_score": 1, "best_percent": 100,
                          "completed": True, "success": True, "completed_at": enrollment.completed_at},
            )
