"""Smoke journey: the home page in three languages and a demo user signing in."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import artifact as _artifact


@pytest.mark.django_db(transaction=True)
def test_home_languages_and_login(page, demo_site):
    page.goto(demo_site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator(".hero__lead")).to_contain_text("Formación y seminarios")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(demo_site + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".hero__lead")).to_contain_text("Training and seminars")

    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(demo_site + "/fr/")
    expect(page.locator(".hero__lead")).to_contain_text("Formations et séminaires")

    page.get_by_role("link", name="Español").click()
    expect(page).to_have_url(demo_site + "/")
    page.get_by_role("link", name="Iniciar sesión").click()
    page.get_by_label("Correo electrónico").fill("oficial@demo.campus-crm.org")
    page.get_by_label("Contraseña").fill("Oficial-Demo-2026")
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.locator(".account-nav")).to_contain_text("Ana Lucía Pérez Morales")
    page.screenshot(path=_artifact("home-signed-in.png"), full_page=True)

