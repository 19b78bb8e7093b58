"""Accessibility: axe-core (from npm, package.json's devDependencies) checks the key public, learner and admin
screens against WCAG 2.1 A and AA, and an enrolled official completes a lesson and a quiz with the keyboard alone.

Serious and critical violations fail the test; moderate and minor ones are printed for reviewers."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in as _log_in
from tests.browser.helpers import screen as _screen

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = json.loads((AXE.parent / "package.json").read_text())["version"] if AXE.exists() else None
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

DESKTOP = {"width": 1280, "height": 900}  # conftest.py's
PHONE = {"width": 390, "height": 844}

OFFICIAL = ("oficial@demo.campus-crm.org", "Oficial-Demo-2026")
SECRETARIAT = ("secretaria@demo.campus-crm.org", "Secretaria-Demo-2026")

TRAFFICKING = "identificacion-victimas-trata-fronteras"
# The demo official has completed the first two lessons of the trafficking course: the third is still open.
OPEN_LESSON = "senales-de-alerta"
NEXT_LESSON = "senales-ninez-adolescencia"
FINAL_ASSESSMENT = "evaluacion-final-trata"


def _axe_violations(page) -> list[dict]:
    """Run our axe-core with the WCAG 2.1 A/AA rules on what `page` shows now; return its violations."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make install-dev does)")
    # Always ours, pinned in package-lock.json: Wagtail's admin bundles an axe-core of its own (its checker).
    # Evaluated through the DevTools protocol, not added as an inline <script>, which the site's content security
    # policy refuses (as it should).
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0;")
    results = page.evaluate(
        """async (tags) => {
            const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
            const results = await axe.run(document, options);
            return {
                version: axe.version, rules: results.passes.length + results.violations.length,
                violations: results.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary, html: n.html})),
                })),
            };
        }""",
        WCAG_TAGS,
    )
    assert results["version"] == AXE_VERSION, results["version"]
    assert results["rules"] > 10, results  # axe really checked the page
    return results["violations"]


def _report(name: str, violations: list[dict]) -> str:
    lines = [f"axe-core on {name}: {len(violations)} rule(s) violated"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    {json.dumps(node['target'], ensure_ascii=False)}  {node['html'][:160]}")
            lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
    return "\n".join(lines)


def _assert_accessible(page, name: str) -> None:
    """No serious or critical WCAG 2.1 A/AA violation on `page`; the others are printed."""
    page.wait_for_load_state("load")
    violations = _axe_violations(page)
    if violations:
        print(_report(name, violations))
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, _report(name, blocking)


def _lesson_url(slug: str) -> str:
    from courses.models import LessonPage

    return LessonPage.objects.get(slug=slug, locale__language_code="es").get_url()


def _lesson_translation_key(slug: str):
    from courses.models import LessonPage

    return LessonPage.objects.get(slug=slug, locale__language_code="es").translation_key


def _course_url(slug: str) -> str:
    from courses.models import CoursePage

    return CoursePage.objects.get(slug=slug, locale__language_code="es").get_url()


@pytest.mark.django_db(transaction=True)
def test_public_pages_have_no_serious_violations(page, demo_site):
    from django.urls import reverse

    from certificates.models import Certificate

    page.goto(demo_site + "/")
    _assert_accessible(page, "the home page")
    page.set_viewport_size(PHONE)  # the header folds its links behind a menu button there
    page.reload()
    _assert_accessible(page, "the home page on a phone")
    page.set_viewport_size(DESKTOP)

    page.goto(demo_site + "/accounts/login/")
    _assert_accessible(page, "the sign-in form")

    page.goto(demo_site + "/cursos/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Catálogo de cursos")
    _assert_accessible(page, "the course catalogue")

    page.goto(demo_site + _course_url(TRAFFICKING))
    _assert_accessible(page, "a course page")

    certificate = Certificate.objects.filter(status=Certificate.Status.VALID).first()
    page.goto(demo_site + reverse("certificates:verify", args=[certificate.code]))
    _assert_accessible(page, "a certificate verification page")

    page.goto(demo_site + reverse("certificates:verify_form"))
    _assert_accessible(page, "the certificate verification form")


@pytest.mark.django_db(transaction=True)
def test_learner_pages_have_no_serious_violations(page, demo_site):
    _log_in(page, demo_site, *OFFICIAL)

    page.goto(demo_site + _lesson_url(OPEN_LESSON))
    expect(page.get_by_role("button", name="Marcar como completada")).to_be_visible()
    _assert_accessible(page, "a lesson page")

    page.goto(demo_site + _lesson_url(FINAL_ASSESSMENT))
    _assert_accessible(page, "a lesson with a quiz")

    page.goto(demo_site + "/enrolments/")
    _assert_accessible(page, "the learner's dashboard")


@pytest.mark.django_db(transaction=True)
def test_metrics_dashboard_has_no_serious_violations(page, demo_site):
    _log_in(page, demo_site, *SECRETARIAT)
    page.goto(demo_site + "/admin/metrics/")
    expect(page.locator(".metrics__cards")).to_be_visible()
    # The whole page, Wagtail's own chrome (sidebar, header) included: nothing in it needs excluding.
    _assert_accessible(page, "the capacity metrics dashboard")


# The right answers of the demo's final assessment (courses/demo.py), by question; its choices are shuffled.
FINAL_ASSESSMENT_ANSWERS = [
    ["Acción, medios y fin de explotación"],
    ["Falso"],
    ["Otra persona tiene sus documentos de identidad", "Debe al organizador del viaje una suma que no puede pagar",
     "Relatos aprendidos o contradictorios sobre el empleo prometido"],
    ["La acción y el fin de explotación"],
    ["Separarla del acompañante y garantizar su seguridad"],
]


def _focused(page, js: str):
    """Evaluate `js`, an expression of `el` (the focused element), in the page."""
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {js}; }})()")


def _press_until(page, key: str, condition: str, *, limit: int = 80) -> None:
    """Press `key` until `condition` (a JS expression of `el`, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press(key)
        if _focused(page, condition):
            return
    pytest.fail(f"{key} × {limit} never reached an element where {condition}")


def _assert_focus_visible(page) -> None:
    """The focused element shows a focus indicator (our :focus-visible outline)."""
    style = _focused(page, "[getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth, el.outerHTML]")
    assert style[0] != "none" and style[1] != "0px", f"no visible focus indicator on {style[2]}"


def _skip_to_main(page) -> None:
    """From the top of a freshly loaded page: the first Tab reaches the skip link, Enter moves into the content."""
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Saltar al contenido principal")).to_be_focused()
    _assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def _focused_label(page) -> str:
    return _focused(page, "el.labels && el.labels.length ? el.labels[0].textContent.trim() : ''")


@pytest.mark.django_db(transaction=True)
def test_official_completes_a_lesson_and_a_quiz_with_the_keyboard_only(page, demo_site):
    from enrolments.models import LessonProgress
    from quizzes.models import QuizAttempt

    # Signing in: skip link, Tab to the e-mail field, Tab to the password, Enter submits.
    page.goto(demo_site + "/accounts/login/")
    _skip_to_main(page)
    _press_until(page, "Tab", "el.type === 'email'")
    _assert_focus_visible(page)
    page.keyboard.type(OFFICIAL[0])
    page.keyboard.press("Tab")
    expect(page.get_by_label("Contraseña")).to_be_focused()
    page.keyboard.type(OFFICIAL[1])
    page.keyboard.press("Enter")
    expect(page.locator(".account-nav")).to_contain_text("Ana Lucía Pérez Morales")

    # The lesson: skip link, Tab to "Mark as complete" (one Tab too far, Shift+Tab back), Enter.
    page.goto(demo_site + _lesson_url(OPEN_LESSON))
    _skip_to_main(page)
    complete = page.get_by_role("button", name="Marcar como completada")
    _press_until(page, "Tab", "el.textContent.trim() === 'Marcar como completada'")
    page.keyboard.press("Tab")
    expect(complete).not_to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(complete).to_be_focused()
    _assert_focus_visible(page)
    page.keyboard.press("Enter")
    # Completing a lesson leads on to the next one; back on this one, it shows as completed.
    expect(page).to_have_url(demo_site + _lesson_url(NEXT_LESSON))
    page.goto(demo_site + _lesson_url(OPEN_LESSON))
    expect(page.locator(".lesson-complete")).to_contain_text("Lección completada")
    expect(complete).to_have_count(0)
    assert LessonProgress.objects.filter(
        enrollment__user__email=OFFICIAL[0], lesson_key=_lesson_translation_key(OPEN_LESSON),
        status=LessonProgress.Status.COMPLETED).exists()

    # The quiz: each single-answer question is one Tab stop whose arrow keys choose; Space ticks check boxes.
    page.goto(demo_site + _lesson_url(FINAL_ASSESSMENT))
    _skip_to_main(page)
    _press_until(page, "Tab", "el.closest('fieldset.quiz__question') !== null")
    questions = page.locator("fieldset.quiz__question")
    expect(questions).to_have_count(len(FINAL_ASSESSMENT_ANSWERS))
    for number, answers in enumerate(FINAL_ASSESSMENT_ANSWERS):
        assert _focused(page, f"el.closest('fieldset') === document.querySelectorAll('.quiz__question')[{number}]")
        _assert_focus_visible(page)
        if _focused(page, "el.type") == "radio":
            choices = questions.nth(number).locator("input[type=radio]").count()
            for _ in range(choices):
                if _focused_label(page) == answers[0]:
                    break
                page.keyboard.press("ArrowDown")  # moves to the next choice and selects it
            assert _focused_label(page) == answers[0]
            page.keyboard.press("Space")  # selects the first choice too, which focus alone does not
            page.keyboard.press("Tab")
        else:
            for _ in range(questions.nth(number).locator("input[type=checkbox]").count()):
                assert _focused(page, "el.type") == "checkbox"
                if _focused_label(page) in answers:
                    page.keyboard.press("Space")
                page.keyboard.press("Tab")
        for answer in answers:
            expect(questions.nth(number).get_by_label(answer, exact=True)).to_be_checked()
    submit = page.get_by_role("button", name="Enviar respuestas")
    expect(submit).to_be_focused()
    _assert_focus_visible(page)
    page.keyboard.press("Enter")

    result = page.locator(".quiz__result")
    expect(result).to_contain_text("Su resultado")
    expect(result).to_contain_text("Aprobado")
    expect(result).to_contain_text("100%")
    attempt = QuizAttempt.objects.get(enrollment__user__email=OFFICIAL[0], block_id="final-trata")
    assert attempt.passed
    _screen(page, "a11y-keyboard-quiz-result")
    _assert_accessible(page, "a quiz's result")

