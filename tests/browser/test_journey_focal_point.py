"""Mexico's focal point enrols officials from a CSV file (checked, then applied as a background job), approves a
Mexican official's pending request, and reads and exports the capacity metrics of Mexico only."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, screen

COURSE = "Identificación de víctimas de trata de personas en fronteras"
NEW_OFFICIALS = [
    ("paola.guzman@inm.example.mx", "Paola Guzmán Ortega", "MX", "Instituto Nacional de Migración",
     "Agente federal de migración", "female"),
    ("ricardo.salas@sre.example.mx", "Ricardo Salas Beltrán", "MX", "Secretaría de Relaciones Exteriores",
     "Cónsul adscrito", "male"),
]
# Out of the focal point's scope: the check reports it and only the valid rows are applied.
GUATEMALAN = ("elena.cux@igm.example.gt", "Elena Cux Tzoc", "GT", "Instituto Guatemalteco de Migración",
              "Inspectora", "female")


def _write_csv(path, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "full_name", "country", "institution", "position", "gender"])
        writer.writerows(rows)


@pytest.mark.django_db(transaction=True)
def test_focal_point_bulk_enrols_approves_and_reads_mexico_only(page, demo_site, worker, tmp_path):
    from django.utils import translation
    from django_countries import countries

    from accounts.models import User
    from crm.selectors import crm_country_codes
    from enrolments.models import Enrollment

    upload = tmp_path / "funcionarios-mx.csv"
    _write_csv(upload, [*NEW_OFFICIALS, GUATEMALAN])
    log_in(page, demo_site, "enlace.mx@demo.campus-crm.org", "Enlace-Demo-2026")

    # Upload: the file is checked row by row in a background job, and nothing is written yet.
    page.goto(demo_site + "/admin/bulk-enrolment/")
    page.get_by_role("link", name="Subir un archivo").click()
    expect(page.get_by_text("Solo puede inscribir a funcionarios de México.")).to_be_visible()
    page.get_by_label(re.compile(r"^Curso")).select_option(label=f"{COURSE} (es)")
    page.get_by_label("Archivo de funcionarios").set_input_files(upload)
    page.get_by_role("button", name="Subir y verificar").click()
    # The progress page polls the job and moves on to its report once the check is done.
    expect(page).to_have_url(re.compile(r"/admin/bulk-enrolment/\d+/report/$"), timeout=60_000)
    report = page.locator(".bulk-counts")
    expect(report).to_contain_text("Cuenta creada e inscrita: 2")
    expect(report).to_contain_text("Error: 1")
    error_row = page.get_by_role("row").filter(has_text=GUATEMALAN[0])
    expect(error_row).to_contain_text("Solo puede inscribir a funcionarios de MX.")
    assert not User.objects.filter(email__in=[row[0] for row in NEW_OFFICIALS]).exists()
    screen(page, "journey-focal-point-bulk-report")

    # Apply: the valid rows only, once the focal point says so; the job's progress leads back to the report.
    apply = page.get_by_role("button", name="Aplicar", exact=True)
    page.get_by_label(re.compile("Omitir la 1 fila con error")).check()
    apply.click()
    expect(page.get_by_text(re.compile(r"^Aplicado el "))).to_be_visible(timeout=60_000)
    for email, name, *_rest in NEW_OFFICIALS:
        expect(page.get_by_role("row").filter(has_text=email)).to_contain_text("Cuenta creada e inscrita")
        official = User.objects.get(email=email)
        assert official.full_name == name and official.country.code == "MX"
        assert Enrollment.objects.filter(user=official, course__title=COURSE,
                                         status=Enrollment.Status.ACTIVE).exists()
    assert not User.objects.filter(email=GUATEMALAN[0]).exists()

    # Approval: the queue lists Mexico's pending request (the demo's Daniel Ortiz), and only Mexico's.
    pending = Enrollment.objects.get(user__email="daniel.ortiz@demo.campus-crm.org",
                                     status=Enrollment.Status.PENDING)
    page.goto(demo_site + "/admin/enrolment-requests/")
    requests = page.get_by_role("table")
    expect(requests.get_by_role("row")).to_have_count(2)  # the header and Daniel's request
    expect(requests).not_to_contain_text("Ana Lucía Pérez Morales")  # Guatemala's pending request
    request_row = requests.get_by_role("row").filter(has_text="Daniel Ortiz Navarro")
    expect(request_row).to_contain_text("México")
    request_row.get_by_role("button", name="Aprobar").click()
    expect(page.get_by_text("Aprobado: Daniel Ortiz Navarro.")).to_be_visible()
    expect(page.get_by_text("No hay solicitudes pendientes.")).to_be_visible()
    pending.refresh_from_db()
    assert pending.status == Enrollment.Status.ACTIVE

    # Metrics: every table is Mexico's; no other country's name or institution appears.
    page.goto(demo_site + "/admin/metrics/")
    with translation.override("es"):
        other_countries = {str(countries.name(code)) for code in crm_country_codes()} - {"México"}
    country_rows = page.locator("#table-country tbody th[scope=row]")
    expect(country_rows).to_have_text(["México"])
    for table_id in ("table-country", "table-line", "table-topic", "table-drilldown"):
        text = page.locator(f"#{table_id}").inner_text()
        assert not [name for name in other_countries if name in text], (table_id, text)
    # The drill-down starts at Mexico's institutions, each labelled with its country.
    institutions = page.locator("#table-drilldown tbody th[scope=row]")
    expect(institutions).to_have_text(["Instituto Nacional de Migración (MX)",
                                       "Secretaría de Relaciones Exteriores (MX)"])
    page.locator("#country-title").scroll_into_view_if_needed()
    screen(page, "journey-focal-point-metrics", full_page=False)  # the admin scrolls its main area, not the page

    # Export: the country table as CSV holds Mexico's row only.
    with page.expect_download() as download:
        page.locator("#country-title").locator("xpath=..").get_by_role("link", name="Descargar CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows[0][0] == "País"
    assert [row[0] for row in rows[1:]] == ["México"]
