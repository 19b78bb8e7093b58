"""A trainer authors a course in the Wagtail admin (a module; a text lesson; an H5P lesson with a real package she
uploads; a quiz lesson) and submits every page for review; the Secretariat approves them from the dashboard, and
a visitor then finds the course in the public catalogue with its whole outline."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, screen

# A real package from ../shared/fixtures (see its README); the demo already holds the True/False and Multiple
# Choice ones, and the admin refuses a package uploaded twice.
PACKAGE = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "h5p" / "lumi-H5P.Blanks.h5p"
PACKAGE_TITLE = "Fill in the Blanks"  # from the package's h5p.json
TRAINER = ("formadora@demo.campus-crm.org", "Formadora-Demo-2026")
SECRETARIAT = ("secretaria@demo.campus-crm.org", "Secretaria-Demo-2026")

COURSE = "Entrevista a personas en situación de vulnerabilidad"
MODULE = "Preparar la entrevista"
TEXT_LESSON = "Principios de la entrevista"
H5P_LESSON = "Práctica: completar los espacios"
QUIZ_LESSON = "Evaluación del módulo"
PAGES = (COURSE, MODULE, TEXT_LESSON, H5P_LESSON, QUIZ_LESSON)
WAIT = 20_000  # ms: saving a page in the admin is slow on a busy machine
# ms after the last change by which Wagtail has started autosaving it: its change check runs every 500 ms, then
# autosave waits WAGTAIL_AUTOSAVE_INTERVAL (500 ms by default).
AUTOSAVE_DELAY = 1_200


def _new_page_form(page, link: str, heading: str) -> None:
    """Open the form for a new page and wait until Wagtail watches it for changes.

    Wagtail 8 autosaves a new page as a draft once it sees a change, then moves the form to the draft's edit URL.
    It takes its reference copy of the form two seconds after loading: changes made before are not seen and
    autosave may never run, or run while the page is being submitted, which then fails ("slug already in use").
    Waiting makes every page go the same way: edited, autosaved, then submitted from its edit URL.
    """
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.wait_for_function("""() => {
        const form = document.querySelector('form[data-controller~="w-unsaved"]');
        const unsaved = form && window.wagtail.app.getControllerForElementAndIdentifier(form, "w-unsaved");
        return Boolean(unsaved && unsaved.initialFormData);
    }""", timeout=WAIT)


def _fill_title(page, title: str) -> None:
    """Type the title and leave the field, which is when Wagtail derives the slug from it."""
    field = page.get_by_role("textbox", name="Título*")
    field.fill(title)
    field.press("Tab")


def _autosaved(page) -> None:
    """Wait until Wagtail has autosaved the last change (the form is then at the draft's edit URL). Before
    inserting blocks into a new lesson: on a busy machine the first autosave came while a block was being
    inserted, and the block's chooser never appeared."""
    page.wait_for_timeout(AUTOSAVE_DELAY)
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/"), timeout=WAIT)
    expect(page.locator("#w-autosave-indicator")).to_have_attribute("data-w-autosave-state-value", "saved",
                                                                    timeout=WAIT)


def _submit_for_review(page, title: str) -> None:
    """Once the last change is autosaved, submit the page to the Secretariat review workflow."""
    _autosaved(page)
    page.get_by_role("button", name="Más acciones").click()
    page.get_by_role("button", name="Enviar a Secretariat review").click()
    expect(page.get_by_role("status")).to_contain_text(f"La página '{title}' ha sido enviada para moderación",
                                                       timeout=WAIT)


def _insert_block(page, label: str) -> None:
    page.get_by_role("button", name="Insertar un bloque").last.click()
    page.get_by_role("option", name=label).click()


def _choose(page, button: str, item: str) -> None:
    """Pick `item` in the chooser modal that `button` opens, and wait until the modal has closed."""
    page.get_by_role("button", name=button).click()
    page.get_by_role("dialog").get_by_role("link", name=item).click()
    expect(page.get_by_role("dialog")).to_have_count(0)


@pytest.mark.skipif(not PACKAGE.is_file(), reason=f"real H5P package not found: {PACKAGE} (../shared/fixtures is "
                                                   "optional)")
@pytest.mark.django_db(transaction=True)
def test_trainer_authors_a_course_the_secretariat_approves_it_and_it_goes_live(page, demo_site):
    from courses.models import CatalogPage, CoursePage, LessonPage

    catalog = CatalogPage.objects.get(locale__language_code="es")
    log_in(page, demo_site, *TRAINER)

    # The H5P package is uploaded under "Actividades H5P" and checked before it is stored.
    page.goto(demo_site + "/admin/")
    page.get_by_role("link", name="Actividades H5P").click()
    page.get_by_role("link", name="Añadir Paquete H5P").click()
    page.get_by_role("button", name="Archivo H5P (.h5p)*").set_input_files(PACKAGE)
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("status")).to_contain_text(f"Paquete H5P '{PACKAGE_TITLE}' creado", timeout=WAIT)

    # The course, under the Spanish catalogue (its only child page type, so no type picker).
    page.goto(demo_site + f"/admin/pages/{catalog.pk}/")
    _new_page_form(page, "Añadir página hija", "Nuevo: Curso")
    _fill_title(page, COURSE)
    page.get_by_role("textbox", name="Resumen*").fill("Técnicas para entrevistar con respeto y detectar necesidades "
                                                      "de protección.")
    _choose(page, "Seleccionar línea del Plan de Acción", "Capacitación")
    page.get_by_role("checkbox", name="Trata de personas").check()
    page.get_by_role("listbox", name="Formadores").select_option(label="María Fernanda Rojas Solís")
    _submit_for_review(page, COURSE)

    _new_page_form(page, f"Añadir página hija a '{COURSE}'", "Nuevo: Módulo")
    _fill_title(page, MODULE)
    _submit_for_review(page, MODULE)

    _new_page_form(page, f"Añadir página hija a '{MODULE}'", "Nuevo: Lección")
    _fill_title(page, TEXT_LESSON)
    _autosaved(page)
    _insert_block(page, "Texto")
    text = page.get_by_role("region", name=re.compile("^Texto")).get_by_role("textbox")
    text.click()
    page.keyboard.type("Escuche sin interrumpir y explique para qué sirve cada pregunta.")
    expect(text).to_have_text("Escuche sin interrumpir y explique para qué sirve cada pregunta.")
    _submit_for_review(page, TEXT_LESSON)

    # Back on the module's page list: its next child.
    _new_page_form(page, "Añadir página hija", "Nuevo: Lección")
    _fill_title(page, H5P_LESSON)
    _autosaved(page)
    _insert_block(page, "Actividad H5P")
    _choose(page, "Seleccionar Paquete H5P", PACKAGE_TITLE)
    expect(page.get_by_role("region", name=re.compile("^Actividad H5P"))).to_contain_text(PACKAGE_TITLE)
    _submit_for_review(page, H5P_LESSON)

    _new_page_form(page, "Añadir página hija", "Nuevo: Lección")
    _fill_title(page, QUIZ_LESSON)
    _autosaved(page)
    _insert_block(page, "Cuestionario")
    question = page.get_by_role("region", name=re.compile("^Pregunta"))
    question.get_by_role("combobox", name="Tipo*").select_option(label="Verdadero / falso")
    question.get_by_role("textbox", name="Pregunta*").fill("¿Se debe explicar a la persona para qué sirve la "
                                                           "entrevista?")
    question.get_by_role("button", name="Agregar").last.click()  # a second answer, after the first
    answers = question.get_by_role("region", name=re.compile("^Respuesta"))
    expect(answers).to_have_count(2)
    answers.nth(0).get_by_role("textbox", name="Respuesta*").fill("Verdadero")
    answers.nth(0).get_by_role("checkbox", name="Correcta").check()
    answers.nth(1).get_by_role("textbox", name="Respuesta*").fill("Falso")
    page.get_by_role("checkbox", name="Evaluación final").check()
    _submit_for_review(page, QUIZ_LESSON)

    # The module's three lessons wait for review; nothing is public yet.
    for title in (TEXT_LESSON, H5P_LESSON, QUIZ_LESSON):
        expect(page.get_by_role("row", name=re.compile(re.escape(title)))).to_contain_text("en moderación")
    screen(page, "journey-trainer-course-submitted")
    course = CoursePage.objects.get(title=COURSE)
    assert not course.live

    # The Secretariat approves every submitted page from the dashboard.
    page.context.clear_cookies()
    log_in(page, demo_site, *SECRETARIAT)
    page.goto(demo_site + "/admin/")
    review = page.get_by_role("region", name="Esperando tu revisión")
    for title in PAGES:
        expect(review.get_by_role("row", name=re.compile(f"^{re.escape(title)} Español"))).to_contain_text(
            "María Fernanda Rojas Solís")
    screen(page, "journey-trainer-review-queue")
    for title in PAGES:
        row = review.get_by_role("row", name=re.compile(f"^{re.escape(title)} Español"))
        row.get_by_role("button", name="Acciones").click()
        row.get_by_role("button", name="Aprobar", exact=True).click()
        expect(row).to_have_count(0, timeout=WAIT)

    # The lessons went live as the trainer wrote them: the uploaded package, the quiz as the final assessment.
    h5p_lesson = LessonPage.objects.live().get(title=H5P_LESSON)
    assert [block.value["package"].title for block in h5p_lesson.body if block.block_type == "h5p"] == [
        PACKAGE_TITLE]
    quiz_lesson = LessonPage.objects.live().get(title=QUIZ_LESSON)
    assert quiz_lesson.has_quiz and quiz_lesson.final_assessment

    # A visitor finds the course in the catalogue, with its module and lessons.
    page.context.clear_cookies()
    page.goto(demo_site + "/cursos/")
    page.get_by_role("link", name=COURSE).click()
    expect(page).to_have_url(demo_site + CoursePage.objects.get(pk=course.pk).url)
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=MODULE)).to_be_visible()
    for title in (TEXT_LESSON, H5P_LESSON, QUIZ_LESSON):
        expect(main.get_by_role("link", name=title)).to_be_visible()
    screen(page, "journey-trainer-published-course")
