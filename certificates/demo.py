"""Demo certificates for `manage.py seed_demo`: two designs, courses that use them, certificates for completers."""

from certificates.models import Certificate, CertificateSignatory, CertificateTemplate
from certificates.services import certificate_render, certificate_request

TEMPLATES = [
    {"name": "Constancia CRM (idioma de la persona)", "second_language": "",
     "courses": ["estadisticas-migratorias-intercambio-informacion"]},
    {"name": "Constancia CRM bilingüe (español + inglés)", "second_language": "en",
     "courses": ["identificacion-victimas-trata-fronteras"]},
]
SIGNATORIES = [("María Fernanda López", "Secretaria Técnica de la CRM"),
               ("Jorge Alvarado", "Presidencia Pro Tempore")]


def seed_certificates(stdout) -> None:
    from courses.models import CoursePage
    from enrolments.models import Enrollment

    for data in TEMPLATES:
        template, _created = CertificateTemplate.objects.get_or_create(
            name=data["name"], defaults={"second_language": data["second_language"]})
        if not template.signatories.exists():
            for order, (name, position) in enumerate(SIGNATORIES):
                CertificateSignatory.objects.create(template=template, name=name, position=position, sort_order=order)
        for slug in data["courses"]:
            spanish = CoursePage.objects.get(slug=slug, locale__language_code="es")
            for version in CoursePage.objects.filter(translation_key=spanish.translation_key):
                if version.certificate_template_id != template.pk:
                    version.certificate_template = template
                    version.save_revision().publish()
    issued = 0
    for enrollment in Enrollment.objects.filter(status=Enrollment.Status.COMPLETED):
        certificate = certificate_request(enrollment_id=enrollment.pk)
        if certificate is not None:
            certificate_render(certificate_id=certificate.pk)
            issued += 1
    valid = Certificate.objects.filter(status=Certificate.Status.VALID).count()
    stdout.write(f"Certificates: {len(TEMPLATES)} designs; {issued} completers have one ({valid} valid).")
