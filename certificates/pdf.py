"""Rendering a certificate to PDF with WeasyPrint.

Fonts and the shared stylesheet are prepared once per worker process (FontConfiguration and CSS objects are the
expensive part of a small document); each certificate then only lays out its own HTML.
"""

import base64
import mimetypes
from functools import cache, lru_cache
from pathlib import Path

import segno
from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.template.loader import render_to_string
from django.utils import formats, translation
from django_countries import countries

from certificates.models import Certificate, CertificateTemplate

STYLESHEET = Path(settings.BASE_DIR) / "templates" / "certificates" / "pdf" / "certificate.css"


@cache
def _weasy():
    """(FontConfiguration, stylesheet) shared by every render in this process."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return fonts, CSS(filename=str(STYLESHEET), font_config=fonts)


def weasy_preload() -> None:
    """Import WeasyPrint, set up fonts and the stylesheet, and lay out one sample certificate (no database): the
    first layout loads WeasyPrint's default stylesheet, the HTML parser, the font faces and the page template,
    about 35 MB that a prefork worker's children then share instead of each building its own."""
    import datetime
    from decimal import Decimal

    fonts, stylesheet = _weasy()
    sample = Certificate(code="0" * 12, learner_name="Ñandú Çà", subject_title="Ω", hours=Decimal(1),
                         issued_on=datetime.date(2000, 1, 1), language=settings.LANGUAGE_CODE,
                         template=CertificateTemplate())
    from weasyprint import HTML

    HTML(string=certificate_html(sample), base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[stylesheet], font_config=fonts)


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (fast, in C) rather than fontTools (slow, in Python)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@register(Tags.compatibility, deploy=True)
def check_pdf_libraries(app_configs=None, **kwargs):
    if harfbuzz_subset_available():
        return []
    return [Warning("WeasyPrint cannot load HarfBuzz-Subset: certificates and reports fall back to fontTools, "
                    "several times slower and heavier per PDF.",
                    hint="Install the system package libharfbuzz-subset0 (`make pdf-libs` does).",
                    id="certificates.W010")]


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL}/certificates/verify/{code}/"


def qr_svg_uri(url: str) -> str:
    """The QR code as a vector (SVG) data URI: sharp at any print size."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#0b3c68")


def _file_url(image) -> str:
    """An address WeasyPrint reads the image from without a network request: the local file, or (object storage)
    the image's bytes as a data: URI."""
    if image is None:
        return ""
    try:
        return Path(image.file.path).resolve().as_uri()
    except NotImplementedError:  # S3 and other remote storages have no local path
        return _stored_data_uri(image.file.storage, image.file.name)
    except (ValueError, FileNotFoundError):
        return image.file.url


@lru_cache(maxsize=16)
def _stored_data_uri(storage, name: str) -> str:
    """A stored image as a data: URI. Kept per process: an image's file name never changes its content (a new
    upload gets a new name), and logos and signatures repeat on every certificate of a bulk run."""
    with storage.open(name, "rb") as handle:
        data = handle.read()
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def certificate_texts(certificate: Certificate, template: CertificateTemplate, language: str) -> dict:
    """Title and body of the certificate in one language, placeholders filled in."""
    subject = certificate.subject_title
    if language != certificate.language:
        source = certificate.course or certificate.seminar  # loaded only for the second language
        if source is not None:
            from certificates.services import page_title_in

            subject = page_title_in(source, language)  # the course's own translation, when it has one
    with translation.override(language):
        values = {
            "name": certificate.learner_name,
            "course": subject,
            "hours": formats.number_format(certificate.hours.normalize(), use_l10n=True),
            "date": formats.date_format(certificate.issued_on, "DATE_FORMAT"),
            "country": str(dict(countries).get(certificate.country, certificate.country)) if certificate.country
            else "",
        }
        body = getattr(template, f"body_{language}").format(**values)
    return {"language": language, "title": getattr(template, f"title_{language}"), "body": body}


def certificate_html(certificate: Certificate) -> str:
    template = certificate.template
    languages = [certificate.language] + ([certificate.second_language] if certificate.second_language else [])
    url = verify_url(certificate.code)
    return render_to_string("certificates/pdf/certificate.html", {
        "certificate": certificate,
        "template": template,
        "texts": [certificate_texts(certificate, template, language) for language in languages],
        "signatories": [{"name": s.name, "position": s.position, "signature": _file_url(s.signature)}
                        for s in template.signatories.all()],
        "logos": [url for url in (_file_url(template.logo_crm), _file_url(template.logo_presidency),
                                  _file_url(template.logo_partner)) if url],
        "background": _file_url(template.background),
        "verify_url": url,
        "qr": qr_svg_uri(url),
    })


def certificate_pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML

    fonts, stylesheet = _weasy()
    html = HTML(string=certificate_html(certificate), base_url=str(settings.BASE_DIR))
    return html.write_pdf(stylesheets=[stylesheet], font_config=fonts)
