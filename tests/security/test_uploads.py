"""Every upload the app takes (H5P packages, bulk enrolment files, attendance CSVs, admin images and documents)
refuses oversized, mislabelled and malicious files with a clear error, stores nothing, and serves nothing as HTML."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from enrolments.bulk_models import BulkEnrolmentJob
from enrolments.models import Enrollment
from h5p.models import H5PLibrary, H5PPackage
from seminars.models import Attendance
from tests.courses.conftest import make_course
from tests.factories import UserFactory
from tests.h5p.packages import build_package, zip_bytes
from tests.security.conftest import files_under
from tests.seminars.conftest import confirmed, make_seminar, seminar_index_build

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
       b'<rect width="10" height="10"/></svg>')


def upload(data: bytes, name: str, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def secretariat_client(client):
    user = UserFactory(role="Secretariat", country="CR", preferred_language="en", is_superuser=True)
    client.force_login(user)
    return client


# --- H5P packages in the admin ---------------------------------------------------------------------------------------

def _nested_zip() -> bytes:
    return zip_bytes([("inner.h5p", build_package())])


H5P_ADD = "wagtailsnippets_h5p_h5ppackage:add"
HOSTILE_H5P = {
    "html-named-h5p": HTML,
    "empty": b"",
    "truncated-zip": build_package()[:200],
    "path-traversal": build_package(extra_entries=[("../../evil.txt", b"x")]),
    "absolute-path": build_package(extra_entries=[("/etc/evil.txt", b"x")]),
    "backslash": build_package(extra_entries=[("content\\..\\..\\evil.txt", b"x")]),
    "html-in-content": build_package(extra_entries=[("content/page.html", HTML)]),
    "svg-in-content": build_package(extra_entries=[("content/images/logo.svg", SVG)]),
    "js-in-content": build_package(extra_entries=[("content/evil.js", b"alert(1)")]),
    "zip-bomb": build_package(extra_entries=[("content/images/big.png", b"\0" * (3 * 1024 * 1024))]),
    "zip-in-zip": _nested_zip(),
}


@pytest.mark.parametrize("name", list(HOSTILE_H5P))
def test_hostile_h5p_upload_is_refused_with_a_message_and_nothing_stored(secretariat_client, private_roots, settings,
                                                                         name):
    settings.H5P_MAX_FILE_BYTES = 1024 * 1024
    response = secretariat_client.post(reverse(H5P_ADD), {"upload": upload(HOSTILE_H5P[name], "activity.h5p"),
                                                          "title": ""})
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "error-message" in html or "errorlist" in html or "help-critical" in html, html[:500]
    assert not H5PPackage.objects.exists() and not H5PLibrary.objects.exists()
    assert files_under(private_roots / "h5p") == []
    assert not (private_roots / "evil.txt").exists()


def test_oversized_h5p_upload_is_refused(secretariat_client, private_roots, settings):
    settings.H5P_MAX_UPLOAD_BYTES = 10 * 1024
    big = build_package(extra_entries=[("content/images/noise.png", bytes(range(256)) * 200)],
                        compression=zipfile.ZIP_STORED)
    response = secretariat_client.post(reverse(H5P_ADD), {"upload": upload(big, "activity.h5p")})
    assert response.status_code == 200
    assert not H5PPackage.objects.exists()
    assert files_under(private_roots / "h5p") == []


def test_h5p_upload_with_another_extension_is_refused(secretariat_client, private_roots):
    response = secretariat_client.post(reverse(H5P_ADD), {"upload": upload(build_package(), "activity.html")})
    assert response.status_code == 200
    assert "Choose a file ending in .h5p." in response.content.decode()
    assert not H5PPackage.objects.exists()


# --- Bulk enrolment files --------------------------------------------------------------------------------------------

@pytest.fixture
def course(catalog):
    return make_course(catalog, title="Protección consular", lessons=1)


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (20 * 1024 * 1024) + b"</a>")
    return out.getvalue()


def _traversal_xlsx() -> bytes:
    return zip_bytes([("../../evil.csv", b"email\n"), ("[Content_Types].xml", b"<Types/>")])


HOSTILE_BULK = {
    "binary-csv": (bytes(range(256)) * 4, "officials.csv"),
    "html-csv": (HTML, "officials.csv"),
    "utf16-csv": ("email,full_name\n".encode("utf-16"), "officials.csv"),
    "not-a-zip-xlsx": (b"this is not a workbook", "officials.xlsx"),
    "html-xlsx": (HTML, "officials.xlsx"),
    "zip-bomb-xlsx": (_zip_bomb(), "officials.xlsx"),
    "traversal-xlsx": (_traversal_xlsx(), "officials.xlsx"),
}


@pytest.mark.parametrize("name", list(HOSTILE_BULK))
def test_hostile_bulk_file_gets_a_file_error_and_enrols_nobody(secretariat_client, course, private_roots, name,
                                                               django_capture_on_commit_callbacks):
    raw, filename = HOSTILE_BULK[name]
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post("/admin/bulk-enrolment/upload/",
                                           {"course": course.pk, "file": upload(raw, filename)})
    assert response.status_code == 302
    job = BulkEnrolmentJob.objects.get()
    assert job.status == BulkEnrolmentJob.Status.VALIDATED
    assert job.report["file_error"], job.report
    assert job.report["rows"] == []
    report = secretariat_client.get(reverse("enrolments_bulk:report", args=[job.pk]))
    assert report.status_code == 200
    assert escape(job.report["file_error"]) in report.content.decode()
    assert not Enrollment.objects.exists()
    assert not (private_roots / "evil.csv").exists()


@pytest.mark.parametrize(("raw", "filename", "message"), [
    (b"x" * (5 * 1024 * 1024 + 1), "officials.csv", "The file is larger than 5 MB"),
    (HTML, "officials.html", "Upload a .csv or .xlsx file."),
    (SVG, "officials.svg", "Upload a .csv or .xlsx file."),
], ids=["oversized", "html", "svg"])
def test_oversized_or_wrongly_named_bulk_file_is_refused_before_storing(secretariat_client, course, private_roots,
                                                                        raw, filename, message):
    response = secretariat_client.post("/admin/bulk-enrolment/upload/",
                                       {"course": course.pk, "file": upload(raw, filename)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BulkEnrolmentJob.objects.exists()
    assert files_under(private_roots / "media") == []


def test_stored_bulk_file_is_not_served_from_media(secretariat_client, course, private_roots,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post("/admin/bulk-enrolment/upload/",
                                {"course": course.pk, "file": upload(HTML, "officials.csv")})
    job = BulkEnrolmentJob.objects.get()
    assert secretariat_client.get(job.file.url).status_code == 404


# --- Attendance CSV on the seminar roster ----------------------------------------------------------------------------

@pytest.fixture
def roster(db, learner):
    organiser = UserFactory(role="Trainer", country="CR", preferred_language="en")
    seminar = make_seminar(seminar_index_build(), organisers=[organiser])
    confirmed(learner, seminar)
    return organiser, seminar


@pytest.mark.parametrize(("raw", "filename"), [
    (bytes(range(256)) * 4, "attendance.csv"),
    (HTML, "attendance.csv"),
    (b"\xff\xfe" + "email\n".encode("utf-16-le"), "attendance.csv"),
    (b"", "attendance.csv"),
    (b"x" * (2 * 1024 * 1024 + 1), "attendance.csv"),
    (zip_bytes([("../evil", b"x")]), "attendance.csv"),
], ids=["binary", "html", "utf16", "empty", "oversized", "zip"])
def test_hostile_attendance_file_is_refused_with_a_message(client, roster, raw, filename):
    organiser, seminar = roster
    client.force_login(organiser)
    response = client.post(reverse("seminars:roster", args=[seminar.pk]), {"csv": upload(raw, filename)},
                           follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Attendance.objects.filter(present=True).exists()


# --- Wagtail images (certificate logos and signatures) and documents -------------------------------------------------

@pytest.mark.parametrize(("raw", "filename"), [
    (SVG, "signature.svg"),
    (HTML, "signature.png"),
    (SVG, "signature.png"),
    (b"GIF89a" + HTML, "signature.html"),
], ids=["svg", "html-as-png", "svg-as-png", "gif-polyglot-html"])
def test_hostile_image_upload_is_refused(secretariat_client, raw, filename):
    response = secretariat_client.post(reverse("wagtailimages:add"), {"title": "Firma", "file": upload(raw, filename),
                                                                      "collection": 1})
    assert response.status_code == 200
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize("filename", ["page.html", "page.htm", "logo.svg", "script.js", "page.xhtml"])
def test_document_upload_of_active_content_is_refused(secretariat_client, filename):
    response = secretariat_client.post(reverse("wagtaildocs:add"), {"title": "Doc", "file": upload(HTML, filename),
                                                                    "collection": 1})
    assert response.status_code == 200
    assert not get_document_model().objects.exists()


def test_text_document_holding_html_is_downloaded_not_rendered(secretariat_client):
    response = secretariat_client.post(reverse("wagtaildocs:add"), {"title": "Notas", "file": upload(HTML, "notes.txt"),
                                                                    "collection": 1})
    assert response.status_code == 302
    document = get_document_model().objects.get()
    served = secretariat_client.get(document.url)
    assert served.status_code == 200
    assert not served["Content-Type"].startswith("text/html")
    assert served["Content-Disposition"].startswith("attachment")
    assert served.get("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("content", [
    "email,session,present\nofficial@example.org,1,yes,extra,cells\n",
    "email,session,present\nofficial@example.org,1,yes\x00\n",
    "email,session,present\nofficial@example.org," + "9" * 5000 + ",yes\n",
    "email,session,present\nofficial@example.org,²,yes\n",
    'email,session,present\n"unterminated,1,yes\n',
    "email;session;present\n;;\n",
    "\ufeffemail,session\n",
], ids=["extra-cells", "nul", "huge-number", "superscript-digit", "unterminated-quote", "empty-cells",
        "missing-column"])
def test_malformed_attendance_csv_is_refused_with_a_message(client, roster, content):
    organiser, seminar = roster
    client.force_login(organiser)
    response = client.post(reverse("seminars:roster", args=[seminar.pk]),
                           {"csv": upload(content.encode(), "attendance.csv")}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Attendance.objects.exists()
