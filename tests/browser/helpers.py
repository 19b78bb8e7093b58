"""What browser journeys share: signing in, and screenshots of key screens for reviewers in
test-artifacts/screens/ (README, "Tests"). Failing steps are screenshotted by pytest-playwright into
test-artifacts/playwright/ (pyproject.toml's addopts)."""

import time
from pathlib import Path

from playwright.sync_api import expect

SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"


def artifact(name: str) -> str:
    """The path for a screenshot called `name` (e.g. "seminar-roster.png"), its folder created."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    return str(SCREENS / name)


def screen(page, name: str, *, full_page: bool = True) -> None:
    """Keep what `page` shows now as test-artifacts/screens/<name>.png."""
    page.screenshot(path=artifact(f"{name}.png"), full_page=full_page)


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the public (Spanish) login form and wait for the account menu."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.locator(".account-nav, input[name=code]").first.wait_for()
    if page.locator("input[name=code]").count():
        two_step(page, email)
    expect(page.locator(".account-nav")).to_be_visible()


def two_step(page, email: str) -> None:
    """Type the demo authenticator's current code on allauth's two-step page (focal points, Secretariat, admin).
    allauth accepts each code once per account: forget the previous use so a second sign-in in the same 30 seconds
    (another browser context in the same test) is accepted too."""
    from django.core.cache import cache

    from accounts.models import User
    from core.management.commands.demo_totp import demo_totp_code

    code = demo_totp_code()
    user_id = User.objects.get(email=email).pk
    cache.delete(f"allauth.mfa.totp.used?user={user_id}&code={code}")
    page.locator("input[name=code]").fill(code)
    page.locator("form:has(input[name=code]) [type=submit]").first.click()


def poll(query, *, timeout: float = 15.0):
    """The first truthy result of `query()` within `timeout` seconds (the live server writes from its own thread);
    the last falsy one when time is up."""
    deadline = time.monotonic() + timeout
    while True:
        result = query()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.25)
