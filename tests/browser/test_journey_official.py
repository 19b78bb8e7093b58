"""An official's whole journey in the English interface: signs up, verifies the e-mail address, finds a course in
the catalogue, enrols, completes its text lessons, answers its H5P activity in the real player, passes the final
quiz, reaches 100 %, downloads the certificate that a real Celery worker rendered, and verifies it through the URL
its QR code encodes.

The course is the demo's "Identifying victims of trafficking in persons at borders": text lessons, an interactive
practice lesson (a required H5P activity) and a final assessment (a server-graded quiz), with a certificate.
"""

import hashlib
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import poll as _poll
from tests.browser.helpers import screen
from tests.browser.journey_worker import wait_for

NAME = "Ana Lucía Pérez Castillo"
EMAIL = "ana.perez@migracion.example.org"
PASSWORD = "Journey-Official-2026"
COURSE = "Identifying victims of trafficking in persons at borders"
TEXT_LESSONS_BEFORE_PRACTICE = [
    "The Palermo Protocol definition",
    "Trafficking in persons and smuggling of migrants",
    "Red flags in documents, travel and behaviour",
    "Children and adolescents: specific signs",
]
PRACTICE = "Interactive practice: indicators"
TEXT_LESSONS_AFTER_PRACTICE = ["The first-contact interview", "Referral to protection and assistance"]
FINAL = "Course final assessment"
LESSON_COUNT = len(TEXT_LESSONS_BEFORE_PRACTICE) + 1 + len(TEXT_LESSONS_AFTER_PRACTICE) + 1
# The right answers of the final quiz ("final-trata" in courses/demo.py): one label per single choice, all the
# right ones for "tick all that apply". Choices are shuffled, so they are found by their labels.
FINAL_ANSWERS = [
    "Act, means and purpose of exploitation",
    "False",
    "Someone else holds their identity documents",
    "They owe the trip organiser a sum they cannot repay",
    "Rehearsed or contradictory accounts of the promised job",
    "The act and the purpose of exploitation",
    "Separate them from their companion and make sure they are safe",
]



def _confirmation_link() -> str:
    from django.core import mail

    messages = _poll(lambda: [message for message in mail.outbox if EMAIL in message.to])
    assert messages, f"no e-mail to {EMAIL}; outbox: {[m.subject for m in mail.outbox]}"
    links = re.findall(r"https?://\S+/accounts/confirm-email/\S+/", messages[-1].body)
    assert links, messages[-1].body
    return links[0]


def _field(page, label: str):
    """A form field by its whole label (allauth's forms end their labels with a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def _sign_up(page, base: str) -> None:
    page.goto(base + "/en/")
    page.get_by_role("link", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/signup/$"))
    _field(page, "Email").fill(EMAIL)
    _field(page, "Password").fill(PASSWORD)
    _field(page, "Password (again)").fill(PASSWORD)
    _field(page, "Full name").fill(NAME)
    _field(page, "Country").select_option(label="Guatemala")
    _field(page, "Position").fill("Immigration officer")
    _field(page, "Preferred language").select_option(label="English")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()


def _verify_email(page, base: str) -> None:
    link = _confirmation_link()
    path = urlsplit(link).path
    assert path.startswith("/en/"), link  # the link keeps the interface's language
    page.goto(base + path)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".account-nav")).to_contain_text(f"Signed in as {NAME}")


def _mark_complete(page, title: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("button", name="Mark as complete").click()


def _pdf_qr_url(pdf: bytes) -> str:
    """The text of the QR code on the certificate's first page, rendered at 300 dpi."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=300 / 72).to_pil()
    finally:
        document.close()
    codes = [code for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(codes) == 1, f"expected one QR code on the certificate, found {len(codes)}"
    return codes[0].text


@pytest.mark.django_db(transaction=True)
def test_official_signs_up_learns_and_verifies_the_certificate(page, demo_site, worker, browser,
                                                               browser_context_args):
    from pypdf import PdfReader

    from certificates.models import Certificate

    # Sign up in English and verify the address with the link the platform e-mailed.
    _sign_up(page, demo_site)
    _verify_email(page, demo_site)

    # The catalogue's search finds the course.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Course catalogue")
    page.get_by_label("Search courses").fill("trafficking indicators")
    page.get_by_role("button", name="Apply").click()
    result = page.get_by_role("link", name=COURSE)
    expect(result).to_be_visible()
    screen(page, "journey-official-catalogue")
    result.click()

    # Enrol, then the text lessons: "Mark as complete" leads on to the next lesson to do.
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("0 % complete")).to_be_visible()
    page.get_by_role("link", name="Start the course").click()
    expect(page.get_by_text(f"Lesson 1 of {LESSON_COUNT}")).to_be_visible()
    screen(page, "journey-official-lesson")
    for title in TEXT_LESSONS_BEFORE_PRACTICE:
        _mark_complete(page, title)

    # The practice lesson: a required H5P activity in h5p-standalone, framed twice (player page, content).
    expect(page.get_by_role("heading", level=1)).to_have_text(PRACTICE)
    expect(page.get_by_role("button", name="Mark as complete")).to_have_count(0)  # the activity completes it
    activity = page.frame_locator("iframe[data-h5p-block='h5p-yes-no']").frame_locator("iframe.h5p-iframe").first
    # The demo's sample activity is written in Spanish in every language version of the lesson.
    expect(activity.get_by_text("¿Es un indicador de posible trata")).to_be_visible()
    activity.get_by_role("button", name="Sí").click()
    expect(activity.get_by_role("status")).to_have_text("\u2713")
    status = page.locator("section:has(iframe[data-h5p-block='h5p-yes-no']) [data-h5p-status]")
    expect(status).to_contain_text("Your score: 1 of 1.")
    screen(page, "journey-official-h5p-answered")
    # The worker counts the statement (h5p.tasks.xapi_aggregate) moments after the answer: reload until it has.
    completed = page.get_by_text("Lesson completed")
    assert _poll(lambda: page.reload() is not None and completed.count() > 0, timeout=30)
    expect(completed).to_be_visible()
    page.get_by_role("link", name=re.compile(TEXT_LESSONS_AFTER_PRACTICE[0])).click()
    for title in TEXT_LESSONS_AFTER_PRACTICE:
        _mark_complete(page, title)

    # The final assessment: every answer right.
    expect(page.get_by_role("heading", level=1)).to_have_text(FINAL)
    quiz = page.locator("form.quiz__form")
    for answer in FINAL_ANSWERS:
        quiz.get_by_label(answer, exact=True).check()
    quiz.get_by_role("button", name="Submit answers").click()
    result = page.get_by_role("status").filter(has_text="Your result")
    expect(result).to_contain_text("Passed")
    expect(result).to_contain_text("Attempt 1: 100%.")
    expect(page.get_by_text("Lesson completed")).to_be_visible()

    # The course page: 100 %, completed.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=COURSE).click()
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    expect(page.get_by_text("100 % complete")).to_be_visible()
    expect(page.get_by_text("Course completed")).to_be_visible()
    outline = page.locator("section[aria-labelledby=outline-heading]")
    expect(outline.get_by_label("Completed", exact=True)).to_have_count(LESSON_COUNT)  # a tick on every lesson
    screen(page, "journey-official-progress-100")

    # The certificate, rendered by the worker, appears under "My learning".
    wait_for(lambda: Certificate.objects.filter(user__email=EMAIL, status=Certificate.Status.VALID).exists(),
             process=worker, what="the certificate")
    certificate = Certificate.objects.get(user__email=EMAIL, status=Certificate.Status.VALID)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="My learning").click()
    expect(page.locator("section[aria-labelledby=completed-heading]")).to_contain_text(COURSE)
    certificates = page.locator("section[aria-labelledby=certificates-heading]")
    expect(certificates).to_contain_text(COURSE)
    expect(certificates).to_contain_text(certificate.display_code)

    with page.expect_download() as download_info:
        certificates.get_by_role("link", name="Download PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert NAME in text, text
    assert COURSE in text, text
    assert certificate.display_code in text, text

    # The QR code points to the public verification page. Someone who was handed the PDF, not signed in, opens
    # it (SITE_URL's host is not the live server's: the path is what matters), switches to English and compares
    # the PDF's SHA-256 as the page suggests.
    from django.conf import settings

    qr_url = _pdf_qr_url(pdf)
    assert qr_url == f"{settings.SITE_URL}/certificates/verify/{certificate.code}/", qr_url
    context = browser.new_context(**browser_context_args)
    try:
        verifier = context.new_page()
        verifier.goto(demo_site + urlsplit(qr_url).path)
        verifier.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
        expect(verifier).to_have_url(re.compile(r"/en/certificates/verify/"))
        expect(verifier.get_by_role("status")).to_have_text("✓ Valid certificate")
        details = verifier.locator(".verify-details")
        expect(details).to_contain_text(NAME)
        expect(details).to_contain_text(COURSE)
        expect(details.locator("code.hash")).to_have_text(hashlib.sha256(pdf).hexdigest())
        screen(verifier, "journey-official-verification")
    finally:
        context.close()
