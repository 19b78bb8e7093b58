"""The H5P player on a separate origin: no platform cookie reaches it, and its statements still get recorded.

The live server answers on localhost (the platform) and on 127.0.0.1 (the player origin): two origins, and the
session cookie set for one host name is never sent to the other.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import artifact as _artifact

LESSON = ("/cursos/identificacion-victimas-trata-fronteras/indicadores-control-migratorio/"
          "practica-interactiva-indicadores/")


@pytest.mark.django_db(transaction=True)
def test_player_on_a_cookieless_origin_records_statements(page, demo_site, settings):
    from h5p.models import H5PAttempt, XAPIStatement

    # Whichever name the live server uses, the player gets the other one: a different origin, same server.
    player_origin = (demo_site.replace("localhost", "127.0.0.1") if "localhost" in demo_site
                     else demo_site.replace("127.0.0.1", "localhost"))
    settings.H5P_PLAYER_ORIGIN = player_origin
    settings.SITE_URL = demo_site

    page.goto(demo_site + "/accounts/login/")
    page.get_by_label("Correo electrónico").fill("oficial@demo.campus-crm.org")
    page.get_by_label("Contraseña").fill("Oficial-Demo-2026")
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.locator(".account-nav")).to_be_visible()

    player_requests = []
    page.on("request", lambda request: player_requests.append(request.url)
            if request.url.startswith(player_origin) else None)
    page.goto(demo_site + LESSON)
    frame_element = page.locator("iframe[data-h5p-block=h5p-yes-no]")
    expect(frame_element).to_be_visible()
    assert frame_element.get_attribute("src").startswith(player_origin + "/h5p/play/")
    assert "allow-top-navigation" not in frame_element.get_attribute("sandbox")

    player = page.frame_locator("iframe[data-h5p-block=h5p-yes-no]")
    content = player.frame_locator("iframe").first
    content.locator(".h5p-campus-yes-no__yes").click()
    expect(page.locator("[data-h5p-status]").first).to_contain_text("1")

    # Dozens of requests went to the player origin; the browser holds the session cookie for the platform only,
    # so it had none to send there.
    assert len(player_requests) > 10
    assert any(c["name"] == "sessionid" for c in page.context.cookies(demo_site))
    assert not any(c["name"] == "sessionid" for c in page.context.cookies(player_origin))

    statement = XAPIStatement.objects.get(block_id="h5p-yes-no")
    assert statement.user.email == "oficial@demo.campus-crm.org"
    attempt = H5PAttempt.objects.get(block_id="h5p-yes-no", enrollment__user__email="oficial@demo.campus-crm.org")
    assert attempt.completed and attempt.score == 1
    page.screenshot(path=_artifact("h5p-separate-origin.png"), full_page=True)
