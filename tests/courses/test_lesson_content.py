"""Every lesson block renders accessibly, and the reading-time estimate follows the content."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from courses.blocks import reading_minutes
from courses.models import LessonPage
from tests.courses.conftest import make_course, publish

pytestmark = pytest.mark.django_db
VIDEO_URL = "https://www.youtube.com/watch?v=campuscrm01"


def _png() -> ContentFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 600), (11, 60, 104)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="frontera.png")


@pytest.fixture
def rich_lesson(catalog):
    course = make_course(catalog, title="Curso con contenido", lessons=1)
    lesson = LessonPage.objects.descendant_of(course).get()
    image = get_image_model().objects.create(title="Puesto fronterizo", file=_png())
    document = get_document_model().objects.create(title="Protocolo de referencia",
                                                    file=ContentFile(b"%PDF-1.4 test", name="protocolo.pdf"))
    # Embeds are looked up in Wagtail's embed table before any provider is asked (tests have no network).
    Embed.objects.create(url=VIDEO_URL, max_width=960, hash=get_embed_hash(VIDEO_URL, 960), type="video",
                         html='<iframe title="Video"></iframe>', title="Video", thumbnail_url="", width=960, height=540)
    lesson.body = [
        ("heading", {"text": "Indicadores de trata", "level": "h2"}),
        ("paragraph", RichText("<p>" + "indicador " * 600 + "</p>")),
        ("image", {"image": {"image": image, "decorative": False, "alt_text": "Fila de personas en un puesto"},
                   "caption": "Control migratorio", "credit": "OIM"}),
        ("video", {"video": VIDEO_URL, "caption": "Entrevista inicial", "duration_minutes": 7,
                   "transcript": RichText("<p>Transcripción completa.</p>")}),
        ("document", {"document": document, "title": "", "description": "Formato de referencia"}),
        ("callout", {"kind": "warning", "title": "", "body": RichText("<p>No revictimizar.</p>")}),
    ]
    publish(lesson)
    return LessonPage.objects.get(pk=lesson.pk)


def test_lesson_blocks_render(client, rich_lesson, learner):
    from enrolments.models import Enrollment

    course = rich_lesson.course
    Enrollment.objects.create(user=learner, course=course, course_key=course.translation_key, status="active")
    client.force_login(learner)
    html = client.get(rich_lesson.url).content.decode()
    assert "<h2>Indicadores de trata</h2>" in html
    assert 'alt="Fila de personas en un puesto"' in html
    assert "Control migratorio" in html and "© OIM" in html
    assert '<iframe title="Video">' in html and "Transcripción completa." in html
    assert "Protocolo de referencia" in html and "(PDF" in html
    assert 'class="callout callout--warning"' in html and "Advertencia" in html


def test_reading_time_counts_words_and_video(rich_lesson):
    # 600 words of text at 200 a minute, plus a few more words, plus a 7-minute video.
    assert rich_lesson.reading_minutes == 3 + 7
    assert reading_minutes(LessonPage(body=[]).body) == 0


def test_course_page_has_opengraph_and_canonical(client, catalog):
    course = make_course(catalog, title="Curso compartible", summary="Resumen para redes")
    html = client.get(course.url).content.decode()
    assert '<meta property="og:title" content="Curso compartible">' in html
    assert '<meta property="og:description" content="Resumen para redes">' in html
    assert f'<link rel="canonical" href="http://testserver{course.url}">' in html
