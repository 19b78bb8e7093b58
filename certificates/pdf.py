"""Rendering a certificate to PDF with WeasyPrint.

Fonts and the shared stylesheet are prepared once per worker process (FontConfiguration and CSS objects are the
expensive part of a small document); each certificate then only lays out its own HTML.
"""

from functools import cache
from pathlib import Path

import segno
from django.conf import settings
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


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL}/certificates/verify/{code}/"


def qr_svg_uri(url: str) -> str:
    """The QR code as a vector (SVG) data URI: sharp at any print size."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#0b3c68")


def _file_url(image) -> str:
    if image is None:
        return ""
    try:
        return Path(image.file.path).resolve().as_uri()
    except (NotImplementedError, ValueError, FileNotFoundError):
        return image.file.url


def certificate_texts(certificate: Certificate, template: CertificateTemplate, language: str) -> dict:
    """Title and body of the certificate in one language, placeholders filled in."""
    subject = certificate.subject_title
    source = certificate.course or certificate.seminar
    if language != certificate.language and source is not None:
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
