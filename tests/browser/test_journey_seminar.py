"""An official registers for a seminar from the calendar; its organiser marks her present at every session on the
roster; her certificate of attendance, rendered by a Celery worker, appears in "Mi aprendizaje" and verifies.

tests/browser/test_seminars.py covers withdrawal, the waiting list and the roster on a tablet; this is the path
from registration to certificate."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, screen
from tests.browser.journey_worker import wait_for

SLUG = "taller-virtual-estadisticas-migratorias"
TITLE = "Taller virtual: estadísticas migratorias"
OFFICIAL = "Ana Lucía Pérez Morales"


@pytest.mark.django_db(transaction=True)
def test_official_registers_attends_every_session_and_gets_the_certificate(page, new_context, demo_site, worker):
    from django.utils import timezone

    from certificates.models import Certificate
    from seminars.models import Registration, SeminarPage

    seminar = SeminarPage.objects.get(slug=SLUG)
    # The demo runs this online workshop from yesterday 15:00 to today 19:00 UTC: keep it open whatever the hour.
    if seminar.ends_at < timezone.now() + timedelta(hours=2):
        SeminarPage.objects.filter(pk=seminar.pk).update(ends_at=timezone.now() + timedelta(days=1))
    sessions = [session.title for session in seminar.session_list]
    assert len(sessions) == 3

    # The official finds the workshop in the calendar and registers: her place is confirmed at once.
    log_in(page, demo_site, "oficial@demo.campus-crm.org", "Oficial-Demo-2026")
    page.goto(demo_site + "/seminarios/")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("button", name="Inscribirse").click()
    expect(page.locator(".message--success")).to_contain_text("Su cupo está confirmado.")
    expect(page.get_by_role("article").get_by_text("Su cupo está confirmado.")).to_be_visible()
    expect(page.get_by_role("link", name="Unirse en línea")).to_be_visible()
    registration = Registration.objects.get(user__email="oficial@demo.campus-crm.org",
                                            seminar_key=seminar.translation_key)
    assert registration.status == Registration.Status.CONFIRMED

    # The organiser, on her own device, ticks the official's three sessions on the roster and saves.
    organiser = new_context().new_page()
    log_in(organiser, demo_site, "formadora@demo.campus-crm.org", "Formadora-Demo-2026")
    organiser.goto(demo_site + seminar.url)
    organiser.get_by_role("link", name="Lista de asistencia").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text(f"Asistencia: {TITLE}")
    attended = organiser.get_by_role("row").filter(has_text=OFFICIAL).get_by_role("cell").last
    expect(attended).to_have_text("No")
    for session in sessions:
        box = organiser.get_by_role("checkbox", name=f"{OFFICIAL} — {session}")
        expect(box).not_to_be_checked()
        box.check()
    organiser.get_by_role("button", name="Guardar la asistencia").click()
    expect(organiser.locator(".message--success")).to_contain_text("Asistencia guardada.")
    for session in sessions:
        expect(organiser.get_by_role("checkbox", name=f"{OFFICIAL} — {session}")).to_be_checked()
    expect(attended).to_have_text("✓Sí")  # the share of sessions needed for a certificate is reached
    screen(organiser, "journey-seminar-roster")

    # The worker renders the certificate; it then shows in the official's "Mi aprendizaje", ready to download.
    certificate = Certificate.objects.get(registration=registration, kind=Certificate.Kind.ATTENDANCE)

    def rendered() -> bool:
        certificate.refresh_from_db()
        return certificate.status != Certificate.Status.PENDING

    wait_for(rendered, process=worker, what="the certificate of attendance")
    assert certificate.status == Certificate.Status.VALID

    page.goto(demo_site + "/enrolments/")
    seminars = page.locator("section[aria-labelledby=seminars-heading]")
    expect(seminars.get_by_role("listitem").filter(has_text=TITLE)).to_contain_text("Confirmada · asistencia cumplida")
    certificates = page.locator("section[aria-labelledby=certificates-heading]")
    entry = certificates.get_by_role("listitem").filter(has_text=TITLE)
    expect(entry).to_contain_text(certificate.display_code)
    download = entry.get_by_role("link", name="Descargar PDF")
    expect(download).to_be_visible()
    screen(page, "journey-seminar-certificate")
    pdf = page.request.get(demo_site + download.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF-")

    entry.get_by_role("link", name="Página de verificación").click()
    expect(page.get_by_role("status")).to_have_text("✓ Certificado válido")
    expect(page.locator(".verify-details")).to_contain_text(re.compile(f"{OFFICIAL}.*{TITLE}", re.S))
