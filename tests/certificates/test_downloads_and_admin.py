"""Who may download a certificate's PDF, the learner's dashboard, and revoke/reissue in the Wagtail admin."""

import hashlib

import pytest
from wagtail.models import ModelLogEntry

from certificates.models import Certificate
from tests.certificates.conftest import complete, enrol
from tests.factories import UserFactory

pytestmark = pytest.mark.storage  # `make test-s3` runs these against S3 too


@pytest.fixture
def mx_certificate(learner, course, django_capture_on_commit_callbacks) -> Certificate:
    """A certificate for a learner who enrolled while working in Mexico (the enrolment's country counts)."""
    complete(enrol(learner, course, country="MX"), django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()
    assert certificate.country == "MX"
    assert certificate.status == Certificate.Status.VALID
    return certificate


def download_url(certificate: Certificate) -> str:
    return f"/certificates/{certificate.code}/pdf/"


@pytest.mark.parametrize(("who", "status"), [
    ("owner", 200),
    ("secretariat", 200),
    ("focal_point_mx", 200),
    ("other_learner", 404),
    ("focal_point_gt", 404),
    ("trainer", 404),
    ("anonymous", 404),
])
def test_pdf_download_permissions(client, request, mx_certificate, who, status):
    users = {
        "owner": lambda: mx_certificate.user,
        "other_learner": lambda: UserFactory(role="Learner", country="MX"),
        "focal_point_gt": lambda: UserFactory(role="Country focal point", country="GT", focal_point_country="GT"),
        "anonymous": lambda: None,
    }
    user = users[who]() if who in users else request.getfixturevalue(who)
    if user is not None:
        client.force_login(user)
    response = client.get(download_url(mx_certificate))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert "private" in response["Cache-Control"]
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF")
        assert hashlib.sha256(body).hexdigest() == mx_certificate.pdf_sha256


def test_pending_certificate_cannot_be_downloaded(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.PENDING, pdf="")
    client.force_login(certificate.user)
    assert client.get(download_url(certificate)).status_code == 404


def test_unknown_code_download_is_not_found(client, learner):
    client.force_login(learner)
    assert client.get("/certificates/ABCDEFGHJKMN/pdf/").status_code == 404


def test_dashboard_lists_the_certificate_with_its_download_link(client, certificate):
    client.force_login(certificate.user)
    response = client.get("/enrolments/")
    assert response.status_code == 200
    html = response.content.decode()
    assert certificate.display_code in html
    assert f'href="{download_url(certificate)}"' in html
    assert f'href="/certificates/verify/{certificate.code}/"' in html


def test_dashboard_shows_the_replacement_not_the_superseded_certificate(
        client, certificate, secretariat, django_capture_on_commit_callbacks):
    from certificates.services import certificate_reissue

    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_reissue(certificate=certificate, user=secretariat, learner_name="Nombre Corregido")
    client.force_login(certificate.user)
    html = client.get("/enrolments/").content.decode()
    assert f'href="{download_url(new)}"' in html
    assert certificate.display_code not in html


def test_other_learners_dashboard_does_not_list_it(client, certificate):
    client.force_login(UserFactory(role="Learner"))
    assert certificate.display_code not in client.get("/enrolments/").content.decode()


# --- Wagtail admin: revoke and reissue ------------------------------------------------------------------------


def revoke_url(certificate: Certificate) -> str:
    return f"/admin/certificates/{certificate.pk}/revoke/"


def reissue_url(certificate: Certificate) -> str:
    return f"/admin/certificates/{certificate.pk}/reissue/"


def test_secretariat_sees_the_certificate_listing(client, secretariat, certificate):
    client.force_login(secretariat)
    response = client.get("/admin/snippets/certificates/certificate/")
    assert response.status_code == 200
    html = response.content.decode()
    assert certificate.display_code in html
    assert revoke_url(certificate) in html
    assert reissue_url(certificate) in html


def test_secretariat_revokes_with_a_reason(client, secretariat, certificate):
    client.force_login(secretariat)
    form = client.get(revoke_url(certificate))
    assert form.status_code == 200
    assert certificate.display_code in form.content.decode()

    response = client.post(revoke_url(certificate), {"reason": "Inscripción con datos falsos"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == "Inscripción con datos falsos"
    assert ModelLogEntry.objects.filter(action="certificates.revoke", user=secretariat).count() == 1


def test_revoke_without_a_reason_shows_the_form_again_and_changes_nothing(client, secretariat, certificate):
    client.force_login(secretariat)
    response = client.post(revoke_url(certificate), {"reason": ""})
    assert response.status_code == 200
    assert "error-message" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert certificate.revoked_at is None
    assert not ModelLogEntry.objects.filter(action="certificates.revoke").exists()


@pytest.mark.parametrize("role", ["Trainer", "Country focal point", "Learner"])
def test_other_roles_cannot_revoke_or_reissue(client, certificate, role):
    user = UserFactory(role=role, country="MX", focal_point_country="MX" if role == "Country focal point" else "")
    client.force_login(user)
    for url, data in ((revoke_url(certificate), {"reason": "No"}), (reissue_url(certificate), {"learner_name": "X"})):
        for response in (client.get(url), client.post(url, data)):
            # Wagtail turns PermissionDenied into a redirect to the dashboard (staff) or the login (learners).
            assert response.status_code in (302, 403)
            if response.status_code == 302:
                assert response["Location"] == "/admin/" or "/login/" in response["Location"]
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert Certificate.objects.count() == 1
    assert not ModelLogEntry.objects.filter(action__startswith="certificates.").exists()


def test_secretariat_reissues_with_a_corrected_name(client, secretariat, certificate,
                                                    django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    form = client.get(reissue_url(certificate))
    assert form.status_code == 200
    assert certificate.user.full_name in form.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reissue_url(certificate), {"learner_name": "Nombre Corregido"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.SUPERSEDED
    new = certificate.superseded_by
    assert new is not None
    assert new.learner_name == "Nombre Corregido"
    assert new.status == Certificate.Status.VALID
    assert ModelLogEntry.objects.filter(action="certificates.reissue", user=secretariat).count() == 1

    # A superseded certificate cannot be reissued a second time: the form says so, nothing changes.
    again = client.post(reissue_url(certificate), {"learner_name": "Otro Nombre"})
    assert again.status_code == 200
    assert Certificate.objects.count() == 2


def test_unknown_certificate_in_admin_is_not_found(client, secretariat, db):
    client.force_login(secretariat)
    assert client.get("/admin/certificates/987654/revoke/").status_code == 404
