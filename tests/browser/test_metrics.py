"""The Secretariat filters the capacity-metrics dashboard by year, sees the charts, and downloads the PDF report
for the Vice-Ministers' meeting once its progress page says it is ready."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import artifact as _artifact
from tests.browser.helpers import log_in as _log_in


@pytest.mark.django_db(transaction=True)
def test_secretariat_filters_the_dashboard_and_downloads_the_report(page, demo_site):
    from django.utils import timezone

    _log_in(page, demo_site, "secretaria@demo.campus-crm.org", "Secretaria-Demo-2026")
    page.goto(demo_site + "/admin/metrics/")

    # Only the period fields the chosen period uses are shown.
    period = page.get_by_label("Período", exact=True)
    expect(page.get_by_label("Año", exact=True)).to_be_hidden()
    period.select_option("year")
    year = page.get_by_label("Año", exact=True)
    expect(year).to_be_visible()
    expect(page.get_by_label("Trimestre", exact=True)).to_be_hidden()
    year.select_option(str(timezone.localdate().year))
    page.get_by_role("button", name="Aplicar filtros").click()
    expect(page).to_have_url(re.compile(r"period=year"))

    cards = page.locator(".metrics__cards")
    expect(cards).to_contain_text("Funcionarios capacitados")
    # Both charts are real SVG images the browser could decode.
    for chart in page.locator(".metrics__chart img").all():
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_js_property("complete", True)
        assert chart.evaluate("img => img.naturalWidth") > 100
    expect(page.locator("#table-country")).to_contain_text("México")
    page.screenshot(path=_artifact("metrics-dashboard.png"))

    page.get_by_label(re.compile("Informe en PDF")).select_option("fr")
    page.get_by_role("button", name="Generar el PDF").click()
    expect(page.locator("[data-job-field=status]")).to_have_text("Terminada")
    download_link = page.get_by_role("link", name="Descargar el PDF")
    expect(download_link).to_be_visible()
    with page.expect_download() as download:
        download_link.click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
