"""Open Badges 3.0 credentials: signed with the platform key, verifiable offline, revocable through a status list."""

import base64
import hashlib
import json
import uuid
from decimal import Decimal

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.cache import cache
from django.urls import include, path, resolve, reverse

from certificates import credentials
from certificates.codes import code_new
from certificates.models import Certificate, CertificateTemplate
from tests.factories import UserFactory

# The routes on their own, so these tests do not depend on how elearn/urls.py includes them
# (test_project_serves_the_routes_without_language_prefix checks that).
urlpatterns = [path("", include("certificates.credential_urls"))]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def issue(user, *, status=Certificate.Status.VALID, **fields) -> Certificate:
    template = CertificateTemplate.objects.create(name="T")
    return Certificate.objects.create(
        code=code_new(), user=user, template=template, status=status, course_key=uuid.uuid4(),
        learner_name="Ana Pérez", country="GT", subject_title="Protección internacional", hours=Decimal("12.0"),
        language="es", **fields)


def published_jwk(client) -> dict:
    response = client.get(reverse("credentials:jwks"))
    assert response.status_code == 200
    (jwk,) = response.json()["keys"]
    return jwk


def status_bits(client) -> bytes:
    response = client.get(reverse("credentials:status_list"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    payload = jwt.decode(response.content.decode(), jwt.PyJWK(published_jwk(client)).key, algorithms=["EdDSA"])
    assert payload["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert payload["credentialSubject"]["statusPurpose"] == "revocation"
    return credentials.status_list_bits_decode(payload["credentialSubject"]["encodedList"])


def pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def test_credential_verifies_with_only_the_published_public_key(client, learner):
    certificate = issue(learner)
    token = credentials.credential_jwt(certificate)
    jwk = published_jwk(client)

    payload = jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["EdDSA"])

    assert payload["id"] == f"http://testserver/certificates/verify/{certificate.code}/"
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "kid": jwk["kid"], "typ": "vc+jwt"}
    assert credentials.credential_verify(token, jwk=jwk) == payload


def test_jwks_publishes_no_private_part_and_a_thumbprint_kid(client):
    jwk = published_jwk(client)

    assert "d" not in jwk
    assert {k: jwk[k] for k in ("kty", "crv", "use", "alg")} == {
        "kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA"}
    # RFC 7638 for an OKP key: the canonical JSON of crv, kty and x.
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": jwk["x"]}, separators=(",", ":")).encode()
    assert jwk["kid"] == "http://testserver/.well-known/jwks.json#" + base64.urlsafe_b64encode(
        hashlib.sha256(canonical).digest()).rstrip(b"=").decode()


def test_one_changed_byte_breaks_the_signature(learner):
    token = credentials.credential_jwt(issue(learner))
    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    flipped = payload[:middle] + ("A" if payload[middle] != "A" else "B") + payload[middle + 1:]

    with pytest.raises(jwt.InvalidTokenError):
        credentials.credential_verify(f"{header}.{flipped}.{signature}")

    # A well-formed but edited claim (a different name) is caught by the signature, not by parsing.
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        credentials.credential_verify(f"{header}.{forged}.{signature}")


def test_a_credential_signed_with_another_key_is_refused(learner):
    payload = credentials.credential_payload(issue(learner))
    token = jwt.encode(payload, Ed25519PrivateKey.generate(), algorithm="EdDSA")

    with pytest.raises(jwt.InvalidSignatureError):
        credentials.credential_verify(token)


def test_credential_is_an_open_badge(learner):
    certificate = issue(learner)

    payload = credentials.credential_verify(credentials.credential_jwt(certificate))

    assert payload["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                   "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["issuer"] == {"id": "http://testserver/.well-known/openbadges-issuer.json", "type": ["Profile"],
                                 "name": certificate.template.issuer_name, "url": "http://testserver"}
    assert payload["iss"] == payload["issuer"]["id"]
    assert payload["jti"] == payload["id"]
    assert payload["name"] == "Constancia de aprobación: Protección internacional"
    assert payload["validFrom"].startswith(certificate.issued_on.isoformat() + "T00:00:00")
    subject = payload["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"] == [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                                      "identityHash": "Ana Pérez"}]
    assert learner.email not in json.dumps(payload)
    achievement = subject["achievement"]
    assert achievement["id"] == f"http://testserver/courses/{certificate.course_key}"
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Course"
    assert achievement["name"] == "Protección internacional"
    assert "12" in achievement["criteria"]["narrative"] and "12.0" not in achievement["criteria"]["narrative"]
    assert payload["credentialStatus"] == {
        "id": f"http://testserver/certificates/status-list/#{certificate.pk}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(certificate.pk),
        "statusListCredential": "http://testserver/certificates/status-list/",
    }


def test_same_certificate_same_token(learner):
    certificate = issue(learner)

    assert credentials.credential_jwt(certificate) == credentials.credential_jwt(certificate)


def test_pending_certificate_has_no_credential(learner):
    with pytest.raises(ValueError):
        credentials.credential_jwt(issue(learner, status=Certificate.Status.PENDING))


def test_status_list_marks_revoked_certificates(client, learner):
    certificate = issue(learner)
    other = issue(UserFactory(role="Learner"))

    bits = status_bits(client)
    assert len(bits) * 8 >= 131072
    assert credentials.status_list_bit(bits, certificate.pk) == 0

    certificate.status = Certificate.Status.REVOKED
    certificate.save(update_fields=["status"])
    # Published at most a minute later (cached), or at once when the cache is dropped.
    assert credentials.status_list_bit(status_bits(client), certificate.pk) == 0
    cache.clear()

    bits = status_bits(client)
    assert credentials.status_list_bit(bits, certificate.pk) == 1
    assert credentials.status_list_bit(bits, other.pk) == 0
    assert sum(bin(byte).count("1") for byte in bits) == 1


def test_status_list_bit_order_and_growth(django_assert_max_num_queries, learner):
    # Index 0 is the left-most bit; the list grows in whole 131072-bit blocks to cover the highest index.
    certificate = issue(learner, status=Certificate.Status.REVOKED)
    assert credentials._bitstring([0, 9], 0)[:2] == bytes([0b1000_0000, 0b0100_0000])
    assert len(credentials._bitstring([], 131072)) * 8 == 2 * 131072

    with django_assert_max_num_queries(2):
        payload = credentials.status_list_payload()

    bits = credentials.status_list_bits_decode(payload["credentialSubject"]["encodedList"])
    assert payload["credentialSubject"]["encodedList"].startswith("u")  # multibase base64url
    assert credentials.status_list_bit(bits, certificate.pk) == 1


def test_status_list_json_for_people(client, learner):
    issue(learner)

    response = client.get(reverse("credentials:status_list"), {"format": "json"})

    assert response.status_code == 200
    assert response.json()["id"] == "http://testserver/certificates/status-list/"
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(("who", "status"), [
    ("owner", 200), ("other_learner", 404), ("anonymous", 404), ("secretariat", 200), ("focal_point_mx", 404),
])
def test_credential_download_permissions(client, learner, secretariat, focal_point_mx, who, status):
    certificate = issue(learner)
    user = {"owner": learner, "other_learner": UserFactory(role="Learner"), "anonymous": None,
            "secretariat": secretariat, "focal_point_mx": focal_point_mx}[who]
    if user is not None:
        client.force_login(user)

    response = client.get(reverse("credentials:credential", kwargs={"code": certificate.code}))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/vc+jwt"
        assert response["Content-Disposition"] == f'attachment; filename="certificate-{certificate.code}.jwt"'
        assert response["Cache-Control"] == "private, no-store"
        assert credentials.credential_verify(response.content.decode())["id"].endswith(f"/{certificate.code}/")


def test_pending_and_unknown_codes_are_not_found(client, learner):
    pending = issue(learner, status=Certificate.Status.PENDING)
    client.force_login(learner)

    assert client.get(reverse("credentials:credential", kwargs={"code": pending.code})).status_code == 404
    assert client.get(reverse("credentials:credential", kwargs={"code": "0" * 12})).status_code == 404


def test_revoked_certificate_credential_still_downloads_and_says_so_in_the_list(client, learner):
    certificate = issue(learner, status=Certificate.Status.REVOKED)
    client.force_login(learner)

    response = client.get(reverse("credentials:credential", kwargs={"code": certificate.code}))

    assert response.status_code == 200
    assert credentials.status_list_bit(status_bits(client), certificate.pk) == 1


def test_issuer_profile(client):
    CertificateTemplate.objects.create(name="T", issuer_name="Secretaría Técnica")

    profile = client.get(reverse("credentials:issuer")).json()

    assert profile["id"] == "http://testserver/.well-known/openbadges-issuer.json"
    assert profile["type"] == ["Profile"]
    assert profile["name"] == "Secretaría Técnica"
    assert profile["url"] == "http://testserver"
    (method,) = profile["verificationMethod"]
    assert method["id"] == published_jwk(client)["kid"]
    assert "d" not in method["publicKeyJwk"]


def test_configured_key_signs_and_is_published(client, settings, learner):
    key = Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = pem(key)

    token = credentials.credential_jwt(issue(learner))

    jwt.decode(token, key.public_key(), algorithms=["EdDSA"])
    assert jwt.PyJWK(published_jwk(client)).key.public_bytes_raw() == key.public_key().public_bytes_raw()


def test_development_key_is_stable_and_follows_secret_key(settings):
    settings.CERTIFICATE_SIGNING_KEY = ""
    first = credentials.public_jwk()
    assert credentials.public_jwk() == first

    settings.SECRET_KEY = "another-test-secret"
    assert credentials.public_jwk()["x"] != first["x"]


def test_deploy_check_warns_without_a_key(settings):
    settings.CERTIFICATE_SIGNING_KEY = ""
    assert [m.id for m in credentials.signing_key_deploy_check()] == ["certificates.W001"]

    settings.CERTIFICATE_SIGNING_KEY = pem(Ed25519PrivateKey.generate())
    assert credentials.signing_key_deploy_check() == []
    assert credentials.signing_key_valid_check() == []


def test_check_refuses_a_key_that_cannot_sign(settings):
    from cryptography.hazmat.primitives.asymmetric import ec

    settings.CERTIFICATE_SIGNING_KEY = "not a key"
    assert [m.id for m in credentials.signing_key_valid_check()] == ["certificates.E001"]

    settings.CERTIFICATE_SIGNING_KEY = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    assert [m.id for m in credentials.signing_key_valid_check()] == ["certificates.E001"]


@pytest.mark.parametrize("url", ["/.well-known/jwks.json", "/.well-known/openbadges-issuer.json",
                                 "/certificates/status-list/", "/certificates/ABCDEFGHJKMN/credential.jwt"])
def test_project_serves_the_routes_without_language_prefix(url):
    assert resolve(url, urlconf="elearn.urls").namespace == "credentials"


def public_pem(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def test_credentials_signed_before_a_key_rotation_keep_verifying(client, learner, settings):
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = pem(old)
    certificate = issue(learner)
    before = credentials.credential_jwt(certificate)

    settings.CERTIFICATE_SIGNING_KEY = pem(new)
    settings.CERTIFICATE_SIGNING_KEYS_RETIRED = public_pem(old).replace("\n", "\\n")  # as written in .env
    after = credentials.credential_jwt(certificate)

    # New credentials are signed with the new key only.
    jwt.decode(after, new.public_key(), algorithms=["EdDSA"], options={"verify_aud": False})
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(after, old.public_key(), algorithms=["EdDSA"])
    # Both verify, here and for anyone holding the published keys (picked by kid).
    assert credentials.credential_verify(before)["jti"] == credentials.credential_verify(after)["jti"]
    keys = {jwk["kid"]: jwk for jwk in client.get(reverse("credentials:jwks")).json()["keys"]}
    assert len(keys) == 2
    for token in (before, after):
        kid = jwt.get_unverified_header(token)["kid"]
        jwt.decode(token, jwt.PyJWK(keys[kid]).key, algorithms=["EdDSA"])
    issuer = client.get(reverse("credentials:issuer")).json()
    assert {method["id"] for method in issuer["verificationMethod"]} == set(keys)


def test_a_credential_from_an_unknown_key_is_refused(learner, settings):
    settings.CERTIFICATE_SIGNING_KEY = pem(Ed25519PrivateKey.generate())
    forged = credentials.credential_jwt(issue(learner))

    settings.CERTIFICATE_SIGNING_KEY = pem(Ed25519PrivateKey.generate())  # rotated, old key not kept
    with pytest.raises(jwt.InvalidSignatureError):
        credentials.credential_verify(forged)


@pytest.mark.parametrize("retired", ["not a key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"])
def test_a_malformed_retired_key_is_reported_by_check(settings, retired):
    settings.CERTIFICATE_SIGNING_KEYS_RETIRED = retired

    errors = credentials.signing_key_valid_check()

    assert [e.id for e in errors] == ["certificates.E001"]
