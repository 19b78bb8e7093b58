"""Load the demo content: home page and course catalogue in three languages, courses, institutions and one user
per role. Idempotent."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Locale

from accounts.mfa import mfa_required
from accounts.models import Institution, User
from accounts.roles import Role
from accounts.services import role_assign
from certificates.demo import seed_certificates
from courses.demo import seed_courses
from enrolments.demo import seed_enrolments
from h5p.demo import seed_h5p
from home.models import HomePage
from metrics import snapshot
from metrics.demo import seed_metrics
from seminars.demo import seed_seminars

# (country, name, acronym, type) — migration authorities of the member states.
INSTITUTIONS = [
    ("BZ", "Immigration and Nationality Department", "INSD", Institution.Type.MIGRATION),
    ("CA", "Immigration, Refugees and Citizenship Canada", "IRCC", Institution.Type.MIGRATION),
    ("CR", "Dirección General de Migración y Extranjería", "DGME", Institution.Type.MIGRATION),
    ("DO", "Dirección General de Migración", "DGM", Institution.Type.MIGRATION),
    ("SV", "Dirección General de Migración y Extranjería", "DGME", Institution.Type.MIGRATION),
    ("GT", "Instituto Guatemalteco de Migración", "IGM", Institution.Type.MIGRATION),
    ("HN", "Instituto Nacional de Migración", "INM", Institution.Type.MIGRATION),
    ("MX", "Instituto Nacional de Migración", "INM", Institution.Type.MIGRATION),
    ("MX", "Secretaría de Relaciones Exteriores", "SRE", Institution.Type.FOREIGN_AFFAIRS),
    ("NI", "Dirección General de Migración y Extranjería", "DGME", Institution.Type.MIGRATION),
    ("PA", "Servicio Nacional de Migración", "SNM", Institution.Type.MIGRATION),
    ("US", "U.S. Citizenship and Immigration Services", "USCIS", Institution.Type.MIGRATION),
]

# (e-mail, password, full name, country, institution acronym, position, gender, language, role)
DEMO_USERS = [
    ("oficial@demo.campus-crm.org", "Oficial-Demo-2026", "Ana Lucía Pérez Morales", "GT", "IGM",
     "Inspectora de migración", User.Gender.FEMALE, "es", Role.LEARNER),
    ("formadora@demo.campus-crm.org", "Formadora-Demo-2026", "María Fernanda Rojas Solís", "CR", "DGME",
     "Formadora institucional", User.Gender.FEMALE, "es", Role.TRAINER),
    ("enlace.mx@demo.campus-crm.org", "Enlace-Demo-2026", "Jorge Ramírez Castillo", "MX", "INM",
     "Enlace de capacitación", User.Gender.MALE, "es", Role.FOCAL_POINT),
    ("secretaria@demo.campus-crm.org", "Secretaria-Demo-2026", "Laura Méndez Vargas", "CR", "",
     "Secretaría Técnica de la CRM", User.Gender.FEMALE, "es", Role.SECRETARIAT),
]
ADMIN = ("admin@demo.campus-crm.org", "Admin-Demo-2026", "Administración Campus CRM")
# The demo's focal points, Secretariat and administrator must use two-step verification (accounts/mfa.py): they
# share this published authenticator secret. `python manage.py demo_totp` prints the current code; the secret
# can also be typed into an authenticator app. Demo only, like the passwords.
DEMO_TOTP_SECRET = "CAMPUSCRMDEMOTWOSTEPSECRETKEY234"

HOME_CONTENT = {
    "es": {
        "title": "Campus CRM",
        "lead": "Formación y seminarios para las y los funcionarios de migración y consulares de la "
                "Conferencia Regional sobre Migración.",
        "body": "<p>Campus CRM reúne los cursos en línea y los seminarios del Plan de Acción de la CRM. "
                "Inscríbase con su cuenta institucional, avance a su ritmo y obtenga certificados "
                "verificables.</p>",
    },
    "en": {
        "title": "Campus CRM",
        "lead": "Training and seminars for the immigration and consular officials of the Regional Conference "
                "on Migration.",
        "body": "<p>Campus CRM brings together the online courses and seminars of the CRM Action Plan. "
                "Sign up with your institutional account, learn at your own pace and earn verifiable "
                "certificates.</p>",
    },
    "fr": {
        "title": "Campus CRM",
        "lead": "Formations et séminaires pour les fonctionnaires des migrations et des services consulaires "
                "de la Conférence régionale sur les migrations.",
        "body": "<p>Campus CRM réunit les cours en ligne et les séminaires du Plan d'action de la CRM. "
                "Inscrivez-vous avec votre compte institutionnel, progressez à votre rythme et obtenez des "
                "certificats vérifiables.</p>",
    },
}


class Command(BaseCommand):
    help = "Create (or bring up to date) the Campus CRM demo content. Safe to run repeatedly; never in production."

    def add_arguments(self, parser):
        parser.add_argument("--no-stored-figures", action="store_true",
                            help="Skip storing the dashboard's figures (it then counts live); for browser tests.")

    def handle(self, *args, no_stored_figures=False, **options):
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo creates users with published passwords; it refuses to run in production.")
        with transaction.atomic():
            self.seed_home()
            institutions = self.seed_institutions()
            self.seed_users(institutions)
            seed_courses(self.stdout)
            seed_h5p(self.stdout)
            seed_enrolments(self.stdout)
            seed_certificates(self.stdout)
            seed_seminars(self.stdout)
            seed_metrics(self.stdout)
        # After the commit: certificates and other side effects queued on commit exist by now (eager in the demo).
        if not no_stored_figures:
            rows = snapshot.refresh_all() or 0
            self.stdout.write(f"Capacity metrics: {rows} stored figures for the dashboard.")
        self.stdout.write(self.style.SUCCESS("Demo content ready."))

    def seed_home(self) -> None:
        spanish = HomePage.objects.get(locale__language_code="es")
        self._publish(spanish, HOME_CONTENT["es"])
        for code in ("en", "fr"):
            locale = Locale.objects.get(language_code=code)
            translation = spanish.get_translation_or_none(locale)
            if translation is None:
                translation = spanish.copy_for_translation(locale)
            self._publish(translation.specific, HOME_CONTENT[code])
        self.stdout.write("Home page published in es, en, fr.")

    @staticmethod
    def _publish(page: HomePage, content: dict) -> None:
        changed = any(getattr(page, field) != value for field, value in content.items())
        if changed or not page.live or page.has_unpublished_changes:
            for field, value in content.items():
                setattr(page, field, value)
            page.save_revision().publish()

    def seed_institutions(self) -> dict[tuple[str, str], Institution]:
        result = {}
        for country, name, acronym, kind in INSTITUTIONS:
            institution, _ = Institution.objects.update_or_create(
                country=country, name=name, defaults={"acronym": acronym, "type": kind}
            )
            result[(country, acronym)] = institution
        self.stdout.write(f"{len(result)} institutions.")
        return result

    def seed_users(self, institutions) -> None:
        self.stdout.write("Demo accounts (demo only — these passwords are public):")
        for email, password, name, country, acronym, position, gender, language, role in DEMO_USERS:
            user = self._user(email, password, full_name=name, country=country,
                              institution=institutions.get((country, acronym)), position=position,
                              gender=gender, preferred_language=language)
            role_assign(user=user, role=role, country=country if role == Role.FOCAL_POINT else None)
            self.stdout.write(f"  {role.label:<28} {email:<34} {password}")
        email, password, name = ADMIN
        admin = self._user(email, password, full_name=name, country="CR", is_staff=True, is_superuser=True)
        role_assign(user=admin, role=Role.SECRETARIAT)
        self.stdout.write(f"  {'Administrator':<28} {email:<34} {password}")
        for user in User.objects.filter(email__endswith="@demo.campus-crm.org"):
            if mfa_required(user, always=True) and not Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
        self.stdout.write("  Focal point, Secretariat and administrator sign in with a two-step code: "
                          "`python manage.py demo_totp` prints it (authenticator secret " + DEMO_TOTP_SECRET + ").")

    @staticmethod
    def _user(email: str, password: str, **fields) -> User:
        user = User.objects.filter(email=email).first() or User(email=email)
        for field, value in fields.items():
            setattr(user, field, value)
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user
