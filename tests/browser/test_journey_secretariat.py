"""The Technical Secretariat revokes a certificate, with a reason, from the certificates list; its public
verification page said valid before and says revoked, with the date, afterwards."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, screen

LEARNER = "Luis Batista Peña"  # the demo's completer of the migration statistics course: one certificate
REASON = "Emitido por error: la finalización se registró en el curso equivocado."


@pytest.mark.django_db(transaction=True)
def test_secretariat_revokes_a_certificate_and_verification_says_so(page, demo_site):
    from django.utils import formats, timezone, translation

    from certificates.models import Certificate

    certificate = Certificate.objects.get(learner_name=LEARNER, status=Certificate.Status.VALID)
    verify_url = f"{demo_site}/certificates/verify/{certificate.code}/"

    # Anyone holding the QR code sees a valid certificate, without signing in.
    page.goto(verify_url)
    status = page.get_by_role("status")
    expect(status).to_have_text("✓ Certificado válido")
    expect(page.locator(".verify-details")).to_contain_text(LEARNER)

    log_in(page, demo_site, "secretaria@demo.campus-crm.org", "Secretaria-Demo-2026")
    page.goto(demo_site + "/admin/snippets/certificates/certificate/")
    row = page.get_by_role("row").filter(has_text=certificate.display_code)
    expect(row).to_contain_text(LEARNER)
    expect(row).to_contain_text("Válido")
    row.get_by_role("link", name="Revocar").click()

    # The form needs a reason.
    expect(page.get_by_role("heading", level=1)).to_have_text("Revocar el certificado")
    page.get_by_role("button", name="Revocar").click()
    expect(page.get_by_label("Motivo")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Este campo es necesario.")).to_be_visible()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    page.get_by_label("Motivo").fill(REASON)
    screen(page, "journey-secretariat-revoke")
    page.get_by_role("button", name="Revocar").click()
    expect(page.get_by_text(f"Certificado {certificate.display_code} revocado.")).to_be_visible()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_reason == REASON

    # The public page now says revoked, with the date, to anyone (signed out); the details stay readable.
    page.context.clear_cookies()
    page.goto(verify_url)
    with translation.override("es"):
        today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    expect(status).to_have_text(f"✗ Revocado el {today}")
    expect(page.get_by_text("Certificado válido")).to_have_count(0)
    expect(page.locator(".verify-details")).to_contain_text(certificate.display_code)
    screen(page, "journey-secretariat-verify-revoked")
