"""Demo seminars for `manage.py seed_demo`: past, ongoing and upcoming, hosted by different member states, with
registrations, attendance and the attendance certificates that follow. Idempotent: existing seminars are kept
as they are (their dates were set relative to the day they were first created)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Locale

from accounts.models import User
from certificates.models import CertificateSignatory, CertificateTemplate
from courses.models import EnrolmentPolicy
from crm.models import ActionPlanLine, Topic
from home.models import HomePage
from seminars import services
from seminars.models import Modality, Registration, SeminarIndexPage, SeminarPage, SeminarSession

INDEX = {"es": ("seminarios", "Seminarios"), "en": ("seminars", "Seminars"), "fr": ("seminaires", "Séminaires")}
INTRO = "<p>Seminarios regionales y nacionales de la Conferencia Regional sobre Migración.</p>"
ORGANISER = "formadora@demo.campus-crm.org"

SEMINARS = [
    {"slug": "seminario-regional-proteccion-consular-2026", "days": -30, "length": 2, "hours": Decimal("12"),
     "title": "Seminario regional sobre protección consular", "country": "HN", "city": "Tegucigalpa",
     "zone": "America/Tegucigalpa", "modality": Modality.IN_PERSON, "venue": "Hotel Honduras Maya, salón Copán",
     "summary": "Intercambio de prácticas de protección consular de personas migrantes en tránsito.",
     "topics": ["consular-protection"], "capacity": None,
     "sessions": ["Marco regional de protección consular", "Casos complejos: niñez no acompañada",
                  "Coordinación entre consulados"],
     # e-mail: sessions attended (by index)
     "participants": {"oficial@demo.campus-crm.org": [0, 1, 2], "carlos.mejia@demo.campus-crm.org": [0, 1],
                      "gabriela.rivas@demo.campus-crm.org": [0, 1, 2]}},
    {"slug": "taller-virtual-estadisticas-migratorias", "days": -1, "length": 2, "hours": Decimal("6"),
     "title": "Taller virtual: estadísticas migratorias", "country": "MX", "city": "Ciudad de México",
     "zone": "America/Mexico_City", "modality": Modality.ONLINE, "venue": "",
     "summary": "Indicadores comunes para el intercambio de información entre países de la CRM.",
     "topics": ["migration-data"], "capacity": 40, "online_link": "https://meet.example.org/crm-estadisticas",
     "sessions": ["Fuentes de datos", "Indicadores comunes", "Intercambio seguro de información"],
     "participants": {"luis.batista@demo.campus-crm.org": [0], "marisol.herrera@demo.campus-crm.org": [0]}},
    {"slug": "seminario-hibrido-trata-personas-2027", "days": 20, "length": 1, "hours": Decimal("8"),
     "title": "Seminario híbrido sobre trata de personas", "country": "SV", "city": "San Salvador",
     "zone": "America/El_Salvador", "modality": Modality.HYBRID, "venue": "Cancillería, auditorio",
     "summary": "La Presidencia Pro Tempore reúne a la Red de Funcionarios de Enlace contra la trata.",
     "topics": ["trafficking-in-persons"], "capacity": 3, "online_link": "https://meet.example.org/crm-trata",
     "sessions": ["Identificación temprana", "Derivación y protección"],
     "participants": {"daniel.ortiz@demo.campus-crm.org": [], "sarah.cho@demo.campus-crm.org": [],
                      "oficial@demo.campus-crm.org": [], "carlos.mejia@demo.campus-crm.org": []}},
]


def _index() -> SeminarIndexPage:
    home = HomePage.objects.get(locale__language_code="es")
    slug, title = INDEX["es"]
    index = SeminarIndexPage.objects.child_of(home).filter(slug=slug).first()
    if index is None:
        index = SeminarIndexPage(title=title, slug=slug, intro=INTRO)
        home.add_child(instance=index)
        index.save_revision().publish()
    for code in ("en", "fr"):
        locale = Locale.objects.filter(language_code=code).first()
        if locale and not index.get_translation_or_none(locale) and home.get_translation_or_none(locale):
            copy = index.copy_for_translation(locale)
            copy.slug, copy.title = INDEX[code]
            copy.save_revision().publish()
    return SeminarIndexPage.objects.get(pk=index.pk)


def _template() -> CertificateTemplate:
    template, created = CertificateTemplate.objects.get_or_create(
        name="Constancia de asistencia a seminario", defaults={
            "title_es": "Constancia de asistencia", "title_en": "Certificate of attendance",
            "title_fr": "Attestation de présence",
            "body_es": "Se otorga a {name} ({country}) por su asistencia al seminario «{course}», de {hours} horas, "
                       "el {date}.",
            "body_en": "Awarded to {name} ({country}) for attending the seminar “{course}”, {hours} hours, on {date}.",
            "body_fr": "Décernée à {name} ({country}) pour sa participation au séminaire « {course} », de {hours} "
                       "heures, le {date}.",
        })
    if created:
        CertificateSignatory.objects.create(template=template, name="María Fernanda López",
                                            position="Secretaria Técnica de la CRM")
    return template


def seed_seminars(stdout) -> None:
    index, template = _index(), _template()
    organiser = User.objects.get(email=ORGANISER)
    line = ActionPlanLine.objects.get(slug="seminars")
    today = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0)
    created = 0
    for data in SEMINARS:
        seminar = SeminarPage.objects.child_of(index).filter(slug=data["slug"]).first()
        if seminar is None:
            start = today + timedelta(days=data["days"])
            seminar = SeminarPage(
                title=data["title"], slug=data["slug"], summary=data["summary"], action_plan_line=line,
                host_country=data["country"], city=data["city"], venue=data["venue"], modality=data["modality"],
                online_link=data.get("online_link", ""), starts_at=start,
                ends_at=start + timedelta(days=data["length"] - 1, hours=4), time_zone=data["zone"],
                hours=data["hours"], capacity=data["capacity"], registration_policy=EnrolmentPolicy.OPEN,
                certificate_template=template,
            )
            seminar.sessions = [
                SeminarSession(title=title, starts_at=start + timedelta(days=i * data["length"] // len(
                    data["sessions"]), hours=(i % 2) * 2), ends_at=start + timedelta(
                    days=i * data["length"] // len(data["sessions"]), hours=(i % 2) * 2 + 2), sort_order=i)
                for i, title in enumerate(data["sessions"])
            ]
            index.add_child(instance=seminar)
            seminar.topics.set(Topic.objects.filter(slug__in=data["topics"]))
            seminar.organisers.set([organiser])
            seminar.save_revision().publish()
            seminar = SeminarPage.objects.get(pk=seminar.pk)
            created += 1
            _participants(seminar, data, organiser)
    registrations = Registration.objects.count()
    stdout.write(f"Seminars: {len(SEMINARS)} (past, ongoing, upcoming); {created} created; "
                 f"{registrations} registrations.")


def _participants(seminar: SeminarPage, data: dict, organiser: User) -> None:
    """Register the demo officials (the registration deadline and 'over' checks are bypassed for the past one)."""
    now = timezone.now()
    sessions = seminar.session_list
    for email, attended in data["participants"].items():
        user = User.objects.get(email=email)
        if seminar.ends_at > now:
            registration = services.registration_request(user=user, seminar=seminar)
        else:
            registration, _created = Registration.objects.get_or_create(
                user=user, seminar_key=seminar.translation_key,
                defaults={"seminar": seminar, "status": Registration.Status.CONFIRMED, "country": user.country,
                          "institution": user.institution, "confirmed_at": seminar.starts_at - timedelta(days=10)})
        if attended and registration.status == Registration.Status.CONFIRMED:
            services.attendance_mark(actor=organiser, seminar=seminar,
                                     marks={(registration.pk, str(sessions[i].key)): True for i in attended})
