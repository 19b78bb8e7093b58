"""Attendance from a CSV file on the roster: all rows checked first, nothing recorded when one is wrong."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certificates.models import Certificate, CertificateSignatory, CertificateTemplate
from seminars.models import Attendance
from tests.factories import UserFactory
from tests.seminars.conftest import confirmed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar(seminar_factory, trainer):
    template = CertificateTemplate.objects.create(name="T")
    CertificateSignatory.objects.create(template=template, name="Rosa Firmante", position="Secretaria")
    return seminar_factory(sessions=4, certificate_template=template, organisers=[trainer])


def upload(client, seminar, text: str, encoding: str = "utf-8"):
    return client.post(f"/seminars/{seminar.pk}/roster/",
                       {"csv": SimpleUploadedFile("asistencia.csv", text.encode(encoding), "text/csv")},
                       follow=True)


def test_csv_marks_attendance_and_issues_the_certificate(client, seminar, trainer,
                                                         django_capture_on_commit_callbacks):
    ana, ben = UserFactory(email="ana@example.org"), UserFactory(email="ben@example.org")
    confirmed(ana, seminar), confirmed(ben, seminar)
    client.force_login(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, seminar, "email;session;present\nana@example.org;1;sí\nANA@example.org;2;x\n"
                                           "ana@example.org;Sesión 3;yes\nben@example.org;1;no\n")
    assert "Attendance imported (4 changes)." in [str(m) for m in response.context["messages"]]
    assert Attendance.objects.filter(registration__user=ana, present=True).count() == 3
    assert Attendance.objects.filter(registration__user=ben, present=False).count() == 1
    assert Certificate.objects.filter(user=ana, kind="attendance", status="valid").count() == 1  # 3 of 4 = 75 %
    assert not Certificate.objects.filter(user=ben).exists()


@pytest.mark.parametrize(("text", "encoding", "expected"), [
    ("email,session,present\nana@example.org,1,yes\nnobody@example.org,1,yes\n", "utf-8",
     "Row 3: nobody@example.org is not a confirmed participant."),
    ("email,session,present\nana@example.org,9,yes\n", "utf-8", "Row 2: no session “9” in the agenda."),
    ("email,session,present\nana@example.org,1,maybe\n", "utf-8", "Row 2: write yes or no in “present”, not “maybe”."),
    ("email,present\nana@example.org,yes\n", "utf-8", "Missing column(s): session."),
    ("email,session,present\nana@example.org,Sesión 1,sí\n", "latin-1", "Save the file as CSV UTF-8."),
    ("", "utf-8", "The file is empty."),
])
def test_a_bad_file_records_nothing_and_says_why(client, seminar, trainer, text, encoding, expected):
    confirmed(UserFactory(email="ana@example.org"), seminar)
    client.force_login(trainer)
    response = upload(client, seminar, text, encoding)
    assert expected in [str(m) for m in response.context["messages"]]
    assert not Attendance.objects.exists()


def test_only_organisers_import(client, seminar, focal_point_mx):
    confirmed(UserFactory(email="ana@example.org", country="MX"), seminar)
    client.force_login(focal_point_mx)
    response = client.post(f"/seminars/{seminar.pk}/roster/",
                           {"csv": SimpleUploadedFile("a.csv", b"email,session,present\nana@example.org,1,yes\n")})
    assert response.status_code == 403 and not Attendance.objects.exists()
