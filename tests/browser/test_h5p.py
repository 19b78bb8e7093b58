"""H5P activities in the demo practice lesson: answering them records results, saved state comes back, and a
player's files are not served to a user who is not enrolled.

The player page (`iframe[data-h5p-block]`) runs h5p-standalone, which renders the content in a second iframe.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import artifact as _artifact
from tests.browser.helpers import poll as _poll

COURSE = "/cursos/identificacion-victimas-trata-fronteras/"
LESSON = COURSE + "indicadores-control-migratorio/practica-interactiva-indicadores/"
LEARNER = ("oficial@demo.campus-crm.org", "Oficial-Demo-2026")
FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "h5p"
REAL_PACKAGES = ("tunapanda-h5p-test-TrueFalse.h5p", "lumi-H5P.MultiChoice.h5p")


def _sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/")
    page.get_by_role("link", name="Iniciar sesión").click()
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.locator(".account-nav")).to_contain_text("Sesión iniciada")


def _content(page, block_id: str):
    """The H5P content frame inside the player frame of one activity."""
    return page.frame_locator(f"iframe[data-h5p-block='{block_id}']").frame_locator("iframe.h5p-iframe").first


def _status(page, block_id: str):
    return page.locator(f"section:has(iframe[data-h5p-block='{block_id}']) [data-h5p-status]")


def _attempt(email: str, block_id: str):
    from h5p.models import H5PAttempt

    return H5PAttempt.objects.filter(enrollment__user__email=email, block_id=block_id, completed=True).first()


def _number(value) -> str:
    """A decimal as the lesson page's script prints a JSON number (1.00 → "1", 0.50 → "0.5")."""
    return format(float(value), "g")


def _assert_recorded(page, block_id: str) -> None:
    """The activity's scored statement is stored, its result updated, and the score shown under the frame."""
    from h5p.models import XAPIStatement

    attempt = _poll(lambda: _attempt(LEARNER[0], block_id))
    assert attempt is not None, f"no completed H5PAttempt for {block_id}"
    assert attempt.score is not None and attempt.max_score, (attempt.score, attempt.max_score)
    verbs = set(XAPIStatement.objects.filter(user__email=LEARNER[0], block_id=block_id)
                .values_list("verb", flat=True))
    assert "http://adlnet.gov/expapi/verbs/answered" in verbs, verbs
    # The page's wording is translated (or not yet); the numbers are what the learner must see.
    score, maximum = _number(attempt.score), _number(attempt.max_score)
    expect(_status(page, block_id)).to_have_text(re.compile(rf"\b{re.escape(score)}\b.*\b{re.escape(maximum)}\b"))


@pytest.mark.django_db(transaction=True)
def test_real_packages_record_results(page, demo_site):
    missing = [name for name in REAL_PACKAGES if not (FIXTURES / name).is_file()]
    if missing:
        pytest.skip(f"real H5P packages not found in {FIXTURES}: {', '.join(missing)}")
    _sign_in(page, demo_site, *LEARNER)
    page.goto(demo_site + LESSON)

    true_false = _content(page, "h5p-truefalse")
    expect(true_false.get_by_text("Is this false?")).to_be_visible()
    true_false.get_by_role("radio", name="False").click()
    true_false.get_by_role("button", name="Check").click()
    _assert_recorded(page, "h5p-truefalse")

    choice = _content(page, "h5p-multichoice")
    expect(choice.get_by_text("What color does the blackcurrant berry actually have?")).to_be_visible()
    choice.get_by_role("radio", name="Very dark purple").click()
    choice.get_by_role("button", name="Check").click()
    _assert_recorded(page, "h5p-multichoice")

    page.screenshot(path=_artifact("h5p-lesson-real-packages.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_sample_answer_is_saved_and_restored(page, demo_site):
    from h5p.models import H5PUserData

    _sign_in(page, demo_site, *LEARNER)
    page.goto(demo_site + LESSON)
    activity = _content(page, "h5p-yes-no")
    activity.locator(".h5p-campus-yes-no__yes").click()
    expect(activity.locator(".h5p-campus-yes-no__result")).to_have_text("\u2713")
    _assert_recorded(page, "h5p-yes-no")
    page.screenshot(path=_artifact("h5p-lesson.png"), full_page=True)

    # H5P core saves state every `saveFreq` (5 s) seconds.
    saved = _poll(lambda: H5PUserData.objects.filter(user__email=LEARNER[0], block_id="h5p-yes-no",
                                                     data_type="state").first())
    assert saved is not None, "the activity's state was not saved within 15 s"
    assert '"answer":true' in saved.data.replace(" ", ""), saved.data

    page.reload()
    activity = _content(page, "h5p-yes-no")
    expect(activity.locator(".h5p-campus-yes-no__result")).to_have_text("\u2713")
    expect(activity.locator(".h5p-campus-yes-no__yes")).to_be_disabled()
    expect(activity.locator(".h5p-campus-yes-no__no")).to_be_disabled()
    # The result recorded before is rendered by the server on the reloaded page.
    expect(_status(page, "h5p-yes-no")).to_have_text(re.compile(r"\b1\b.*\b1\b"))


@pytest.mark.django_db(transaction=True)
def test_player_is_not_served_to_someone_not_enrolled(page, demo_site, browser, browser_context_args):
    from accounts.models import User
    from tests.factories import DEFAULT_PASSWORD, UserFactory

    learner = User.objects.get(email=LEARNER[0])
    outsider = UserFactory(email="no-inscrita@example.org", country=learner.country,
                           institution=learner.institution)

    _sign_in(page, demo_site, *LEARNER)
    page.goto(demo_site + LESSON)
    frame = page.locator("iframe[data-h5p-block='h5p-yes-no']")
    src = frame.get_attribute("src")
    assert src and src.startswith("/h5p/play/"), src
    file_url = demo_site + src + "package/h5p.json"
    # The enrolled learner's own session gets the file: the refusals below are about who asks.
    assert page.request.get(file_url).status == 200

    context = browser.new_context(**browser_context_args)
    try:
        other = context.new_page()
        _sign_in(other, demo_site, outsider.email, DEFAULT_PASSWORD)
        other.goto(demo_site + LESSON)
        expect(other).to_have_url(demo_site + COURSE)
        expect(other.locator("iframe[data-h5p-block]")).to_have_count(0)

        for url in (file_url, demo_site + src):
            status = other.request.get(url).status
            assert status in (403, 404), f"{url} answered {status} to a user who is not enrolled"
    finally:
        context.close()
