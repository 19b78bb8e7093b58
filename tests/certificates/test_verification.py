"""The public verification page: what it shows (and what it never shows), typed codes, rate limiting."""

import re
from html import unescape

import pytest
from django.utils import formats, timezone, translation

from certificates import services
from certificates.models import Certificate
from tests.factories import InstitutionFactory

LANGUAGES = [("es", ""), ("en", "/en"), ("fr", "/fr")]
CANONICAL = "7K3M9QXD21R0"  # holds a 0 and a 1, which people type as O, I or L


def verify_url(code: str, prefix: str = "") -> str:
    return f"{prefix}/certificates/verify/{code}/"


def details(response) -> dict[str, str]:
    """The page's <dt>/<dd> pairs, as text (the list of facts the page discloses)."""
    html = response.content.decode()
    block = re.search(r'<dl class="verify-details">(.*?)</dl>', html, re.S).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", block, re.S)
    return {_text(term): _text(re.sub(r"<p\b.*?</p>", "", value, flags=re.S)) for term, value in pairs}


def _text(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def main_content(response) -> str:
    """The page's own content, without the site header and footer (which list the member countries)."""
    return re.search(r'<main id="main".*?</main>', response.content.decode(), re.S).group(0)


@pytest.fixture
def learner_with_institution(learner):
    learner.institution = InstitutionFactory(name="Dirección General de Migración", country="GT")
    learner.position = "Oficial de fronteras"
    learner.save()
    return learner


@pytest.mark.parametrize(("language", "prefix"), LANGUAGES)
def test_valid_certificate_shows_what_a_verifier_needs(client, learner_with_institution, certificate, language,
                                                      prefix):
    response = client.get(verify_url(certificate.code, prefix))
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "verify-status--valid" in html
    for other in ("revoked", "superseded", "unknown"):
        assert f"verify-status--{other}" not in html

    with translation.override(language):
        issued = formats.date_format(certificate.issued_on, "DATE_FORMAT")
    facts = list(details(response).values())
    assert facts == [certificate.display_code, certificate.learner_name, certificate.subject_title, "8", issued,
                     certificate.template.issuer_name, certificate.pdf_sha256]
    assert len(certificate.pdf_sha256) == 64


def test_page_discloses_nothing_else_about_the_official(client, learner_with_institution, certificate):
    learner = learner_with_institution
    response = client.get(verify_url(certificate.code))
    html = response.content.decode()
    assert learner.email not in html
    assert learner.email.split("@")[0] not in html
    assert certificate.country == "GT"
    assert "Guatemala" not in main_content(response)  # the footer lists every member country; the content none
    assert learner.institution.name not in html
    assert learner.position not in html
    assert f"/{learner.pk}/" not in html
    assert f'"{learner.pk}"' not in html
    assert certificate.revoked_reason == ""
    # The only facts listed are the seven a verifier needs (no country, institution, e-mail or user id).
    assert len(details(response)) == 7


@pytest.mark.parametrize(("language", "prefix"), LANGUAGES)
def test_revoked_certificate_says_so_with_the_date(client, certificate, secretariat, language, prefix):
    services.certificate_revoke(certificate=certificate, user=secretariat, reason="Datos falsos en la inscripción")
    certificate.refresh_from_db()
    response = client.get(verify_url(certificate.code, prefix))
    assert response.status_code == 200
    html = response.content.decode()
    assert "verify-status--revoked" in html
    assert "verify-status--valid" not in html
    with translation.override(language):
        revoked_on = formats.date_format(timezone.localtime(certificate.revoked_at), "DATE_FORMAT")
    assert revoked_on in unescape(html)
    assert "Datos falsos" not in html


@pytest.mark.parametrize(("language", "prefix"), LANGUAGES)
def test_superseded_certificate_links_to_its_replacement(client, certificate, secretariat,
                                                         django_capture_on_commit_callbacks, language, prefix):
    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_reissue(certificate=certificate, user=secretariat, learner_name="Nombre Corregido")
    response = client.get(verify_url(certificate.code, prefix))
    assert response.status_code == 200
    html = response.content.decode()
    assert "verify-status--superseded" in html
    assert "verify-status--valid" not in html
    assert f'href="{verify_url(new.code, prefix)}"' in html
    assert new.display_code in html

    replacement = client.get(verify_url(new.code, prefix))
    assert "verify-status--valid" in replacement.content.decode()
    assert details(replacement)  # and it names the corrected learner
    assert "Nombre Corregido" in details(replacement).values()


def test_unknown_code_is_not_found(client, db):
    response = client.get(verify_url("ABCDEFGHJKMN"))
    assert response.status_code == 404
    assert "verify-status--unknown" in response.content.decode()


def test_pending_certificate_is_not_found(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.PENDING)
    response = client.get(verify_url(certificate.code))
    assert response.status_code == 404
    html = response.content.decode()
    assert certificate.learner_name not in html
    assert certificate.subject_title not in html


# --- Typed codes ----------------------------------------------------------------------------------------------


@pytest.fixture
def known_code(certificate) -> str:
    Certificate.objects.filter(pk=certificate.pk).update(code=CANONICAL)
    return CANONICAL


@pytest.mark.parametrize("typed", [
    "7k3m9qxd21r0",          # lower case
    "7K3M-9QXD-21R0",        # as printed
    "7k3m 9qxd 21r0",        # spaces
    " 7K3M-9QXD-2IRO ",      # I for 1, O for 0
    "7k3m-9qxd-2lro",        # l for 1, o for 0
])
def test_typed_code_redirects_to_the_canonical_page(client, known_code, typed):
    response = client.get("/certificates/verify/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == verify_url(CANONICAL)
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("typed", ["7k3m9qxd21r0", "7K3M-9QXD-21R0", "7k3m-9qxd-2lro"])
@pytest.mark.parametrize("prefix", ["", "/en", "/fr"])
def test_code_in_the_address_is_normalised_too(client, known_code, typed, prefix):
    response = client.get(verify_url(typed, prefix))
    assert response.status_code == 302
    assert response["Location"] == verify_url(CANONICAL, prefix)


@pytest.mark.parametrize("typed", ["7K3M-9QXD", "7K3M-9QXD-21R0-5", "7K3M-9QXD-21R!", "UUUU-UUUU-UUUU"])
def test_malformed_typed_code_is_refused_with_a_message(client, db, typed):
    response = client.get("/certificates/verify/", {"code": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="verify-code-error"' in html
    assert 'aria-invalid="true"' in html


def test_verify_form_renders_empty(client, db):
    response = client.get("/certificates/verify/")
    assert response.status_code == 200
    assert 'id="verify-code-error"' not in response.content.decode()


# --- Rate limiting --------------------------------------------------------------------------------------------


def test_lookups_are_rate_limited_per_client_ip(client, settings, certificate):
    settings.CERTIFICATE_VERIFY_RATE = (3, 600)
    url = verify_url(certificate.code)
    assert [client.get(url, REMOTE_ADDR="203.0.113.7").status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(url, REMOTE_ADDR="203.0.113.7")
    assert limited.status_code == 429
    assert certificate.learner_name not in limited.content.decode()
    # Unknown codes count too: enumerating codes is what the limit is for.
    assert client.get(verify_url("ABCDEFGHJKMN"), REMOTE_ADDR="203.0.113.7").status_code == 429

    assert client.get(url, REMOTE_ADDR="198.51.100.20").status_code == 200


def test_behind_the_proxy_the_limit_follows_the_address_the_proxy_saw(client, settings, certificate):
    """Behind nginx every request comes from nginx's address; the visitor's is the X-Forwarded-For entry nginx
    appended. An entry the visitor wrote themselves must not give them a fresh allowance."""
    settings.CERTIFICATE_VERIFY_RATE = (2, 600)
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    url = verify_url(certificate.code)
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy).status_code == 200

    assert client.get(url, HTTP_X_FORWARDED_FOR="5.6.7.8, 203.0.113.7", **proxy).status_code == 429
    # Another visitor behind the same proxy has their own allowance.
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy).status_code == 200
