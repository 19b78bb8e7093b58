"""A confirmed participant sees the online link and withdraws; the first person on the waiting list gets the place.
The dashboard lists seminars and the attendance certificate of the past one. An organiser marks attendance on a
tablet, by touch and by keyboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import artifact as _artifact
from tests.browser.helpers import log_in as _log_in

UPCOMING = "/seminarios/seminario-hibrido-trata-personas-2027/"
ONGOING = "/seminarios/taller-virtual-estadisticas-migratorias/"
TABLET = {"viewport": {"width": 768, "height": 1024}, "device_scale_factor": 2, "has_touch": True, "is_mobile": True}
# WCAG 2.5.5 and the platforms' guidelines: touch targets of at least 44 × 44 CSS pixels (a little rounding allowed).
TOUCH_TARGET = 43.5



@pytest.mark.django_db(transaction=True)
def test_participant_withdraws_and_the_waiting_list_moves_up(page, demo_site):
    from seminars.models import Registration

    _log_in(page, demo_site, "oficial@demo.campus-crm.org", "Oficial-Demo-2026")

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


@pytest.mark.browser_context_args(**TABLET)
@pytest.mark.django_db(transaction=True)
def test_organiser_marks_attendance_on_a_tablet_by_touch_and_by_keyboard(page, demo_site):
    from seminars.models import Attendance, SeminarPage

    seminar = SeminarPage.objects.get(slug="taller-virtual-estadisticas-migratorias")
    session = {s.title: str(s.key) for s in seminar.session_list}
    _log_in(page, demo_site, "formadora@demo.campus-crm.org", "Formadora-Demo-2026")

    page.goto(demo_site + ONGOING)
    page.get_by_role("link", name="Lista de asistencia").tap()
    expect(page).to_have_url(demo_site + f"/seminars/{seminar.pk}/roster/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Asistencia: Taller virtual: estadísticas migratorias")

    # Nothing to scroll sideways: neither the page nor the roster's own scroll box.
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), page.evaluate(
        "[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert page.locator(".table-scroll").evaluate("box => box.scrollWidth <= box.clientWidth")

    luis = page.get_by_role("checkbox", name="Luis Batista Peña — Indicadores comunes")
    marisol = page.get_by_label("Marisol Herrera Quintero — Intercambio seguro de información")
    expect(page.get_by_role("checkbox", name="Luis Batista Peña — Fuentes de datos")).to_be_checked()  # the demo's
    expect(page.get_by_role("checkbox", name=re.compile("—"))).to_have_count(6)  # 2 participants × 3 sessions
    save = page.get_by_role("button", name="Guardar la asistencia")
    width = page.evaluate("window.innerWidth")
    targets = [page.get_by_role("row", name=re.compile(name)) for name in ("Luis Batista Peña",
                                                                           "Marisol Herrera Quintero")]
    targets += [luis, marisol, save]
    for target in targets:
        target.scroll_into_view_if_needed()
        expect(target).to_be_visible()
        box = target.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (target, box)
        assert box["height"] >= TOUCH_TARGET and box["width"] >= TOUCH_TARGET, (target, box)
    page.screenshot(path=_artifact("seminar-roster-tablet.png"), full_page=True)

    # Touch: tap the box, then save.
    expect(luis).not_to_be_checked()
    luis.tap()
    expect(luis).to_be_checked()
    save.tap()
    expect(page.locator(".message--success")).to_contain_text("Asistencia guardada.")
    page.reload()
    expect(luis).to_be_checked()
    assert Attendance.objects.get(registration__user__email="luis.batista@demo.campus-crm.org",
                                  session_key=session["Indicadores comunes"]).present

    # Keyboard only: Tab to the box, Space ticks it, Tab on to the save button, Enter submits.
    expect(marisol).not_to_be_checked()
    for _ in range(60):  # from the top of the freshly loaded page
        page.keyboard.press("Tab")
        if marisol.evaluate("box => box === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the attendance check boxes")
    assert marisol.evaluate("box => getComputedStyle(box).outlineStyle") != "none"  # the focus is visible
    page.keyboard.press("Space")
    expect(marisol).to_be_checked()
    page.keyboard.press("Tab")
    expect(save).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".message--success")).to_contain_text("Asistencia guardada.")
    page.reload()
    expect(marisol).to_be_checked()
    assert Attendance.objects.get(registration__user__email="marisol.herrera@demo.campus-crm.org",
                                  session_key=session["Intercambio seguro de información"]).present
