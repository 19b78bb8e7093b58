"""Security headers: the content security policy the pages are written for, framing, cookies and sessions."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db

COURSE = "/cursos/identificacion-victimas-trata-fronteras/"
LESSON = COURSE + "indicadores-control-migratorio/practica-interactiva-indicadores/"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _inline_code(html: str) -> list[str]:
    """What a strict policy (no 'unsafe-inline') would block: inline scripts, style attributes and elements, and
    event-handler attributes. JSON data islands are not code."""
    found = [m.group(0)[:80] for m in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>",
                                                   html)]
    found += [m.group(0)[:80] for m in re.finditer(r"<[a-z][^>]*\sstyle=\"[^\"]*\"", html)]
    found += [m.group(0)[:80] for m in re.finditer(r"<style\b", html)]
    found += [m.group(0)[:80] for m in re.finditer(r"<[a-z][^>]*\son[a-z]+=\"", html)]
    return found


@pytest.fixture
def demo(settings):
    settings.PAGE_CACHE_ENABLED = False
    call_command("seed_demo", "--no-stored-figures", stdout=StringIO())


def test_public_pages_need_no_inline_code_and_get_the_strict_policy(client, demo):
    learner = User.objects.get(email="oficial@demo.campus-crm.org")
    pages = ["/", "/en/", "/cursos/", COURSE, "/seminarios/", "/accounts/login/", "/accounts/signup/",
             "/certificates/verify/"]
    for signed_in in (False, True):
        if signed_in:
            client.force_login(learner)
            pages = [*pages[:4], LESSON, "/enrolments/"]
        for url in pages:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            policy = _policy(response)
            assert policy["script-src"] == ["'self'"], url
            assert policy["style-src"] == ["'self'"], url
            assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url
            assert response["X-Frame-Options"] == "DENY", url
            assert _inline_code(response.content.decode()) == [], url


def test_the_h5p_player_frame_has_its_own_policy_and_may_be_framed_by_the_site(client, demo):
    client.force_login(User.objects.get(email="oficial@demo.campus-crm.org"))
    lesson = client.get(LESSON).content.decode()
    assert _policy(client.get(LESSON))["frame-src"] == ["'self'"]
    player = re.search(r'data-src="([^"]+/h5p/play/[^"]+)"|src="([^"]*/h5p/play/[^"]+)"', lesson)
    assert player, "the lesson frames the H5P player"
    response = client.get((player.group(1) or player.group(2)).replace("&amp;", "&"))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert _policy(response)["frame-ancestors"] == ["'self'"]


def test_admin_pages_allow_wagtails_inline_code_but_nothing_else(client, demo):
    client.force_login(User.objects.get(email="formadora@demo.campus-crm.org"))
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = _policy(response)
    assert set(policy["script-src"]) == {"'self'", "'unsafe-inline'"}
    assert set(policy["style-src"]) == {"'self'", "'unsafe-inline'"}
    assert policy["object-src"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]  # Wagtail's preview frames the admin


def test_a_separate_player_origin_is_the_only_other_frame_source(client, settings, demo):
    settings.H5P_PLAYER_ORIGIN = "https://player.campus.test"
    client.force_login(User.objects.get(email="oficial@demo.campus-crm.org"))
    response = client.get(LESSON)
    assert 'src="https://player.campus.test/h5p/play/' in response.content.decode()
    assert _policy(response)["frame-src"] == ["'self'", "https://player.campus.test"]
    assert _policy(client.get("/admin/"))["frame-src"] == ["'self'", "https://player.campus.test"]


def test_sessions_expire_and_cookies_are_protected(settings, client):
    from tests.factories import DEFAULT_PASSWORD, UserFactory

    user = UserFactory(role="Learner", country="GT")
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD, "remember": "on"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE <= 8 * 3600
    # Without "remember me" the cookie ends with the browser, and the server forgets the session within the day.
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert client.session.get_expiry_age() <= 8 * 3600
