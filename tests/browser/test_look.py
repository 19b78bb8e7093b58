"""The public look and feel: key pages fit a 360 px phone without sideways scrolling and keep their navigation
reachable, a text lesson stays light, and printing hides the site's chrome."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, screen

OFFICIAL = ("oficial@demo.campus-crm.org", "Oficial-Demo-2026")
COURSE = "/cursos/identificacion-victimas-trata-fronteras/"
TEXT_LESSON = COURSE + "delito-trata-personas/definicion-protocolo-palermo/"
SEMINAR = "/seminarios/seminario-hibrido-trata-personas-2027/"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# A text lesson, signed in: the HTML, CSS, scripts and fonts it needs, without the content's own media (uploaded
# images, video, audio, documents) and the H5P player, which only lessons with an activity load.
LESSON_BUDGET = 300 * 1024
MEDIA_TYPES = ("image", "media")  # Chrome's resource types for images and for video/audio
CONTENT_PATHS = ("/media/", "/documents/", "/h5p/")


def _certificate_path() -> str:
    from certificates.models import Certificate

    certificate = Certificate.objects.filter(status="valid").order_by("pk").first()
    assert certificate is not None, "the demo issues certificates"
    return f"/certificates/verify/{certificate.code}/"


def _fits(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (page.url, widths)


def _navigation_reachable(page, name: str) -> None:
    """On a phone the header folds its links behind the menu button; opened, every link is in view and on screen,
    and Escape folds it again."""
    toggle = page.get_by_role("button", name="Menú")
    main_nav = page.get_by_role("navigation", name="Principal")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(main_nav).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(main_nav.get_by_role("link", name="Cursos")).to_be_visible()
    expect(main_nav.get_by_role("link", name="Seminarios")).to_be_visible()
    width = page.evaluate("window.innerWidth")
    for link in page.locator(".site-header a, .site-header button").all():
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (page.url, link, box)
    _fits(page)
    screen(page, f"look-{name}-360-menu", full_page=False)
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(main_nav).to_be_hidden()


@pytest.mark.django_db(transaction=True)
def test_key_pages_fit_a_phone_and_keep_their_navigation(browser, demo_site):
    pages = [("home", "/"), ("catalogue", "/cursos/"), ("course", COURSE), ("seminar", SEMINAR),
             ("certificate-verification", _certificate_path()), ("lesson", TEXT_LESSON)]
    context = browser.new_context(viewport=DESKTOP, locale="es-ES")
    try:
        page = context.new_page()
        for name, path in pages:
            page.set_viewport_size(DESKTOP)
            if name == "lesson":
                log_in(page, demo_site, *OFFICIAL)
            page.goto(demo_site + path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            expect(page.get_by_role("button", name="Menú")).to_be_hidden()
            expect(page.get_by_role("navigation", name="Principal").get_by_role("link")).to_have_count(3)
            _fits(page)
            screen(page, f"look-{name}-desktop")
            page.set_viewport_size(PHONE)
            page.goto(demo_site + path)
            _fits(page)
            _navigation_reachable(page, name)
            screen(page, f"look-{name}-360")
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_a_text_lesson_is_light_and_prints_without_the_site_chrome(browser, demo_site):
    context = browser.new_context(viewport=DESKTOP, locale="es-ES")
    try:
        page = context.new_page()
        log_in(page, demo_site, *OFFICIAL)
        # Bytes on the wire (headers and bodies, as Resource Timing's transferSize), the browser cache off.
        client = context.new_cdp_session(page)
        client.send("Network.enable")
        client.send("Network.setCacheDisabled", {"cacheDisabled": True})
        sizes = {}
        kinds = {}

        def received(event):
            sizes[event["requestId"]] = event["encodedDataLength"]

        def responded(event):
            kinds[event["requestId"]] = (event["type"], event["response"]["url"])

        client.on("Network.responseReceived", responded)
        client.on("Network.loadingFinished", received)
        page.goto(demo_site + TEXT_LESSON, wait_until="networkidle")
        counted = {url: sizes[request] for request, (kind, url) in kinds.items()
                   if request in sizes and kind.lower() not in MEDIA_TYPES
                   and not any(part in url for part in CONTENT_PATHS)}
        total = sum(counted.values())
        print(f"lesson page weight: {total / 1024:.1f} KB", counted)
        assert total < LESSON_BUDGET, counted

        # On paper: the content only, black on white; the verification page keeps its status and details.
        client.detach()  # while it is attached, new documents load without the emulated print media
        page.emulate_media(media="print")
        printed = [("lesson", TEXT_LESSON, (".lesson-nav", ".breadcrumbs", ".lesson-complete")),
                   ("certificate-verification", _certificate_path(), ())]
        for name, path, extra_chrome in printed:
            page.goto(demo_site + path)
            for chrome in (".site-header", ".site-footer", *extra_chrome):
                expect(page.locator(chrome)).to_be_attached()
                expect(page.locator(chrome)).to_be_hidden()
            expect(page.get_by_role("button")).to_have_count(0)  # hidden buttons leave the accessibility tree
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
            assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
            screen(page, f"look-print-{name}")
        expect(page.locator(".verify-status")).to_be_visible()
        expect(page.locator(".verify-details")).to_be_visible()
        assert page.locator(".verify-details .muted").evaluate("note => getComputedStyle(note).color") == "rgb(0, 0, 0)"
    finally:
        context.close()
