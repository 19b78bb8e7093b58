"""Open Badges 3.0 credentials: each certificate as a W3C Verifiable Credential, signed with the platform's Ed25519 key.

Format (VC-JOSE-COSE, "vc+jwt"): the JWT payload *is* the OpenBadgeCredential, with the registered JWT claims
(iss, sub, jti, iat, nbf) alongside it rather than wrapped in a `vc` claim; the header carries alg EdDSA, typ
vc+jwt and a `kid` that names the key in /.well-known/jwks.json. Anyone holding that public key verifies a
credential offline; revocation is published in a Bitstring Status List (index = certificate pk).

The key comes from settings.CERTIFICATE_SIGNING_KEY (PKCS8 PEM). Without one, a development key is derived
from SECRET_KEY, so demos and tests sign consistently; production must set its own (a deploy check warns),
since rotating SECRET_KEY would otherwise silently invalidate every credential already handed out.

Rotating the signing key: the new key goes in CERTIFICATE_SIGNING_KEY and the old key's *public* half in
CERTIFICATE_SIGNING_KEYS_RETIRED (PEM; several may follow one another). Retired keys never sign again, but they
stay published in the JWKS and the issuer profile, and `credential_verify` accepts them by `kid`, so credentials
already handed out keep verifying; the old private key can then be destroyed (docs/operations.md).
"""

import base64
import datetime
import functools
import gzip
import hashlib
import json
from decimal import Decimal

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.cache import cache
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext

from certificates.models import Certificate, CertificateTemplate
from certificates.pdf import verify_url

ALGORITHM = "EdDSA"
MEDIA_TYPE = "application/vc+jwt"
CONTEXT_VC = "https://www.w3.org/ns/credentials/v2"
CONTEXT_OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Bitstring Status List v1.0: at least 16 KiB of bits, so one list does not reveal which certificate is checked.
STATUS_LIST_MIN_BITS = 131072
STATUS_LIST_CACHE_KEY = "certificates:status-list-jwt"
STATUS_LIST_CACHE_SECONDS = 60
_DEV_KEY_INFO = b"campus-crm certificate signing key (development) v1"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@functools.lru_cache(maxsize=4)
def _load_key(pem: str, secret_key: str) -> Ed25519PrivateKey:
    if not pem.strip():
        seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_DEV_KEY_INFO).derive(secret_key.encode())
        return Ed25519PrivateKey.from_private_bytes(seed)
    try:
        key = serialization.load_pem_private_key(pem.strip().encode(), password=None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"CERTIFICATE_SIGNING_KEY is not an unencrypted PEM private key: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("CERTIFICATE_SIGNING_KEY must be an Ed25519 key "
                                   "(openssl genpkey -algorithm ed25519).")
    return key


def _private_key() -> Ed25519PrivateKey:
    # Keyed on the settings' values, so override_settings (tests) and a changed environment take effect.
    return _load_key(settings.CERTIFICATE_SIGNING_KEY or "", settings.SECRET_KEY or "")


def _public_key() -> Ed25519PublicKey:
    return _private_key().public_key()


@functools.lru_cache(maxsize=4)
def _load_retired(pems: str) -> tuple[Ed25519PublicKey, ...]:
    blocks = [f"-----BEGIN{block}" for block in pems.replace("\\n", "\n").split("-----BEGIN")[1:]]
    if pems.strip() and not blocks:
        raise ImproperlyConfigured("CERTIFICATE_SIGNING_KEYS_RETIRED holds no PEM public key.")
    keys = []
    for block in blocks:
        try:
            key = serialization.load_pem_public_key(block.strip().encode())
        except (ValueError, TypeError) as error:
            raise ImproperlyConfigured(
                f"CERTIFICATE_SIGNING_KEYS_RETIRED holds something that is not a PEM public key: {error}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise ImproperlyConfigured("CERTIFICATE_SIGNING_KEYS_RETIRED may hold only Ed25519 public keys.")
        keys.append(key)
    return tuple(keys)


def _retired_public_keys() -> tuple[Ed25519PublicKey, ...]:
    return _load_retired(getattr(settings, "CERTIFICATE_SIGNING_KEYS_RETIRED", "") or "")


def _thumbprint(x: str) -> str:
    """RFC 7638: SHA-256 of the required OKP members, in lexical order, without whitespace."""
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def issuer_id() -> str:
    return f"{settings.SITE_URL}/.well-known/openbadges-issuer.json"


def jwks_url() -> str:
    return f"{settings.SITE_URL}/.well-known/jwks.json"


def status_list_url() -> str:
    return f"{settings.SITE_URL}/certificates/status-list/"


def _jwk(key: Ed25519PublicKey) -> dict:
    x = _b64url(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": f"{jwks_url()}#{_thumbprint(x)}", "use": "sig",
            "alg": ALGORITHM}


def public_jwk() -> dict:
    """The signing key's public half as an OKP JWK (RFC 8037), with its kid; never any private member."""
    return _jwk(_public_key())


def published_jwks() -> list[dict]:
    """Every key a credential of this platform may be signed with: the current one first, then retired ones."""
    current = public_jwk()
    retired = [_jwk(key) for key in _retired_public_keys()]
    return [current, *[jwk for jwk in retired if jwk["kid"] != current["kid"]]]


def _sign(payload: dict) -> str:
    return jwt.encode(payload, _private_key(), algorithm=ALGORITHM,
                      headers={"kid": public_jwk()["kid"], "typ": "vc+jwt"})


def _hours(hours: Decimal) -> str:
    return f"{Decimal(hours).normalize():f}"


def _issued_at(certificate: Certificate) -> datetime.datetime:
    # Local midnight of the issue date: never in the future (issued_on is a local date), and the same token
    # every time a certificate is downloaded (Ed25519 signatures are deterministic too).
    return datetime.datetime.combine(certificate.issued_on, datetime.time.min,
                                     tzinfo=timezone.get_default_timezone())


def issuer_profile(*, name: str | None = None) -> dict:
    """The issuer as an OB 3.0 Profile, with the verification key it signs with."""
    if name is None:
        latest = CertificateTemplate.objects.order_by("-updated_at").values_list("issuer_name", flat=True).first()
        name = latest or settings.WAGTAIL_SITE_NAME
    return {
        "@context": [CONTEXT_VC, CONTEXT_OB],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": name,
        "url": settings.SITE_URL,
        "verificationMethod": [{"id": jwk["kid"], "type": "JsonWebKey", "controller": issuer_id(),
                                "publicKeyJwk": {k: jwk[k] for k in ("kty", "crv", "x")}} for jwk in published_jwks()],
    }


def credential_payload(certificate: Certificate) -> dict:
    """The OpenBadgeCredential for a certificate, with the JWT claims that sign it (unsigned)."""
    if certificate.status == Certificate.Status.PENDING:
        raise ValueError("A pending certificate has no credential yet.")
    credential_id = verify_url(certificate.code)
    issued = _issued_at(certificate)
    template = certificate.template
    language = certificate.language or settings.LANGUAGE_CODE
    with translation.override(language):
        values = {"title": certificate.subject_title, "hours": _hours(certificate.hours)}
        narrative = {
            Certificate.Kind.PARTICIPATION: gettext("Took part in “%(title)s” (%(hours)s hours)."),
            Certificate.Kind.ATTENDANCE: gettext("Attended “%(title)s” (%(hours)s hours)."),
        }.get(certificate.kind, gettext("Completed the course “%(title)s” (%(hours)s hours).")) % values
    achievement_id = (f"{settings.SITE_URL}/courses/{certificate.course_key}" if certificate.course_key
                      else f"{credential_id}#achievement")
    status_url = status_list_url()
    return {
        "@context": [CONTEXT_VC, CONTEXT_OB],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id(), "type": ["Profile"], "name": template.issuer_name, "url": settings.SITE_URL},
        "validFrom": issued.isoformat(),
        "name": f"{getattr(template, f'title_{language}', template.title_en)}: {certificate.subject_title}",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            # The name printed on the certificate (and shown on the public verification page); no e-mail.
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": certificate.learner_name}],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": certificate.subject_title,
                "description": narrative,
                "criteria": {"narrative": narrative},
                "inLanguage": language,
            },
        },
        "credentialStatus": {
            "id": f"{status_url}#{certificate.pk}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.pk),
            "statusListCredential": status_url,
        },
        "iss": issuer_id(),
        "sub": credential_id,
        "jti": credential_id,
        "iat": int(issued.timestamp()),
        "nbf": int(issued.timestamp()),
    }


def credential_jwt(certificate: Certificate) -> str:
    """The certificate's signed OpenBadgeCredential (compact JWS, typ vc+jwt)."""
    return _sign(credential_payload(certificate))


def credential_verify(token: str, *, jwk: dict | None = None) -> dict:
    """The payload of a credential or status list this platform signed, with the current key or a retired one (named
    by the token's `kid`); raises jwt.InvalidTokenError otherwise."""
    if jwk is None:
        kid = jwt.get_unverified_header(token).get("kid")
        jwk = next((candidate for candidate in published_jwks() if candidate["kid"] == kid), public_jwk())
    key = jwt.PyJWK(jwk, algorithm=ALGORITHM).key
    return jwt.decode(token, key, algorithms=[ALGORITHM], issuer=issuer_id(),
                      options={"require": ["iss", "jti", "nbf"]})


def _bitstring(revoked: list[int], highest: int) -> bytes:
    # Grow in whole minimum-size blocks so the list's length reveals little about how many were issued.
    blocks = highest // STATUS_LIST_MIN_BITS + 1
    bits = bytearray(blocks * STATUS_LIST_MIN_BITS // 8)
    for index in revoked:
        # Index 0 is the left-most (most significant) bit of the first byte.
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def status_list_payload() -> dict:
    """The revocation BitstringStatusListCredential for every certificate (unsigned)."""
    revoked = list(Certificate.objects.filter(status=Certificate.Status.REVOKED).values_list("pk", flat=True))
    highest = Certificate.objects.aggregate(highest=Max("pk"))["highest"] or 0
    # mtime=0: the same revocations give the same bytes.
    encoded = "u" + _b64url(gzip.compress(_bitstring(revoked, highest), mtime=0))
    now = timezone.now().replace(microsecond=0)
    url = status_list_url()
    return {
        "@context": [CONTEXT_VC],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": now.isoformat(),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": encoded, "ttl": STATUS_LIST_CACHE_SECONDS * 1000},
        "iss": issuer_id(),
        "sub": url,
        "jti": url,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
    }


def status_list_jwt() -> str:
    """The signed status list, computed at most once a minute (a revocation shows within that time)."""
    token = cache.get(STATUS_LIST_CACHE_KEY)
    if token is None:
        token = _sign(status_list_payload())
        cache.set(STATUS_LIST_CACHE_KEY, token, STATUS_LIST_CACHE_SECONDS)
    return token


def status_list_forget() -> None:
    """Drop the cached status list, so a revocation is published at once (for the revoking service)."""
    cache.delete(STATUS_LIST_CACHE_KEY)


def status_list_bits_decode(encoded: str) -> bytes:
    """The raw bitstring of an encodedList (multibase base64url, GZIP-compressed)."""
    data = encoded[1:] if encoded.startswith("u") else encoded
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def status_list_bit(bits: bytes, index: int) -> int:
    return (bits[index // 8] >> (7 - index % 8)) & 1


@register(Tags.security)
def signing_key_valid_check(app_configs=None, **kwargs):
    """A configured key that cannot sign would only fail when the first learner downloads a credential."""
    errors = []
    try:
        if getattr(settings, "CERTIFICATE_SIGNING_KEY", ""):
            _private_key()
        _retired_public_keys()
    except ImproperlyConfigured as error:
        errors.append(Error(str(error), id="certificates.E001"))
    return errors


@register(Tags.security, deploy=True)
def signing_key_deploy_check(app_configs=None, **kwargs):
    """Production signs with its own key: one derived from SECRET_KEY dies with the next SECRET_KEY rotation."""
    if getattr(settings, "CERTIFICATE_SIGNING_KEY", ""):
        return []
    return [Warning(
        "CERTIFICATE_SIGNING_KEY is not set: Open Badges credentials are signed with a development key derived "
        "from SECRET_KEY.",
        hint="Generate one with `openssl genpkey -algorithm ed25519` and set CERTIFICATE_SIGNING_KEY (PEM; "
             "newlines may be written as \\n). Changing SECRET_KEY would otherwise invalidate every credential.",
        id="certificates.W001")]
