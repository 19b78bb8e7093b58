"""A confirmed participant sees the online link and withdraws; the first person on the waiting list gets the place.
The dashboard lists seminars and the attendance certificate of the past one."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_smoke import _artifact

UPCOMING = "/seminarios/seminario-hibrido-trata-personas-2027/"


@pytest.mark.django_db(transaction=True)
def test_participant_withdraws_and_the_waiting_list_moves_up(page, demo_site):
    from seminars.models import Registration

    page.goto(demo_site + "/accounts/login/")
    page.get_by_label("Correo electrónico").fill("oficial@demo.campus-crm.org")
    page.get_by_label("Contraseña").fill("Oficial-Demo-2026")
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.locator(".account-nav")).to_be_visible()

    page.goto(demo_site + "/enrolments/")
    seminars = page.locator("section[aria-labelledby=seminars-heading]")
    expect(seminars).to_contain_text("Seminario regional sobre protección consular")
    expect(seminars).to_contain_text("Seminario híbrido sobre trata de personas")
    expect(page.locator("section[aria-labelledby=certificates-heading]")).to_contain_text(
        "Seminario regional sobre protección consular")

    page.goto(demo_site + UPCOMING)
    expect(page.get_by_role("link", name="Unirse en línea")).to_have_attribute(
        "href", "https://meet.example.org/crm-trata")
    page.screenshot(path=_artifact("seminar-confirmed.png"), full_page=True)
    page.get_by_role("button", name="Retirarse").click()
    expect(page.get_by_role("button", name="Inscribirse")).to_be_visible()
    expect(page.get_by_role("link", name="Unirse en línea")).to_have_count(0)

    waitlisted = Registration.objects.get(user__email="carlos.mejia@demo.campus-crm.org",
                                          seminar__slug="seminario-hibrido-trata-personas-2027")
    assert waitlisted.status == Registration.Status.CONFIRMED  # promoted when the seat freed
