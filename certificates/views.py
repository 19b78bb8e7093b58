"""Public verification (no login) and downloads (owner, Secretariat, the learner's focal point)."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from certificates.codes import code_normalise
from certificates.models import Certificate
from certificates.selectors import certificate_by_code, may_download
from core.ratelimit import client_ip, rate_limited


def _limited(request) -> bool:
    limit, seconds = settings.CERTIFICATE_VERIFY_RATE
    return rate_limited("certificate-verify", client_ip(request), limit=limit, seconds=seconds)


@require_GET
def verify_form(request):
    """A form to type a code; a typed code goes to its page (letters that look alike are accepted)."""
    typed = request.GET.get("code", "")
    error = ""
    if typed:
        code = code_normalise(typed)
        if code:
            return redirect("certificates:verify", code=code)
        error = "format"
    return render(request, "certificates/verify_form.html", {"typed": typed, "error": error},
                  status=400 if error else 200)


@require_GET
def verify(request, code: str):
    """What a verifier needs and nothing more: name, course, hours, date, issuer, status and the PDF's SHA-256."""
    if _limited(request):
        return render(request, "certificates/verify_limited.html", status=429)
    normalised = code_normalise(code)
    if normalised and normalised != code:
        return redirect("certificates:verify", code=normalised)
    certificate = certificate_by_code(code) if normalised else None
    if certificate is None or certificate.status == Certificate.Status.PENDING:
        return render(request, "certificates/verify_unknown.html", {"code": code}, status=404)
    response = render(request, "certificates/verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def download(request, code: str):
    certificate = certificate_by_code(code)
    if certificate is None or not certificate.pdf or not may_download(user=request.user, certificate=certificate):
        raise Http404
    response = FileResponse(certificate.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                            filename=f"certificate-{certificate.code}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
