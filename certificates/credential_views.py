"""Open Badges endpoints: the public key, the issuer, the revocation list (public) and a certificate's credential."""

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from certificates import credentials
from certificates.models import Certificate
from certificates.selectors import certificate_by_code, may_download


def _public(response, *, max_age: int):
    # Verifiers (wallets, badge validators) fetch these from other origins, with no cookies.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


@require_GET
def jwks(request):
    """The platform's public signing key(s), for verifying credentials offline."""
    return _public(JsonResponse({"keys": credentials.published_jwks()}), max_age=3600)


@require_GET
def issuer(request):
    """The issuer Profile every credential names."""
    return _public(JsonResponse(credentials.issuer_profile(), json_dumps_params={"ensure_ascii": False}),
                   max_age=3600)


@require_GET
def status_list(request):
    """The revocation list as a signed BitstringStatusListCredential; `?format=json` shows its payload."""
    token = credentials.status_list_jwt()
    if request.GET.get("format") == "json":
        response = JsonResponse(credentials.credential_verify(token))
    else:
        response = HttpResponse(token, content_type=credentials.MEDIA_TYPE)
    return _public(response, max_age=credentials.STATUS_LIST_CACHE_SECONDS)


@require_GET
def credential(request, code: str):
    """The certificate as a signed Open Badges 3.0 credential, for whoever may download its PDF."""
    certificate = certificate_by_code(code)
    # An erased holder's certificate names nobody any more: there is no subject left to sign a credential for.
    if (certificate is None or certificate.status == Certificate.Status.PENDING or certificate.user.is_erased
            or not may_download(user=request.user, certificate=certificate)):
        raise Http404
    response = HttpResponse(credentials.credential_jwt(certificate), content_type=credentials.MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.jwt"'
    response["Cache-Control"] = "private, no-store"
    return response
