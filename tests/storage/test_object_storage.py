"""Files in an S3 bucket (a real S3 API: moto's server, started for these tests): every store reads and writes
there, certificates are rendered into it and handed out only to their owner, the H5P player is served from it, and
nothing private can be fetched from the bucket without the platform."""

import io
import json
import urllib.error
import urllib.request
from pathlib import Path

import environ
import pytest
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from PIL import Image as PILImage
from pypdf import PdfReader
from wagtail.images import get_image_model

from certificates.models import Certificate, CertificateSignatory
from elearn.settings.storage import build_storages, media_origin, public_read_policy
from h5p.sample import FOLDER
from tests.certificates.conftest import complete, course_issuing, pdf_reader
from tests.certificates.conftest import enrol as enrol_in_course
from tests.factories import UserFactory
from tests.h5p.conftest import ACTIVITY_ID, enrol, h5p_block, import_sample, lesson_with_h5p
from tests.storage.conftest import ALIASES
from tests.storage_backends import BUCKET

pytestmark = [pytest.mark.storage, pytest.mark.django_db]

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "h5p"
REAL_PACKAGE = FIXTURES / "tunapanda-h5p-test-TrueFalse.h5p"


def key_of(alias: str, name: str) -> str:
    return f"{storages[alias].location}/{name}"


def in_bucket(server, key: str) -> bool:
    try:
        server.client().head_object(Bucket=BUCKET, Key=key)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("404", "NoSuchKey"):
            return False
        raise
    return True


def anonymous_get(server, key: str) -> int:
    try:
        with urllib.request.urlopen(f"{server.endpoint}/{BUCKET}/{key}", timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def png(width: int = 120, height: int = 40, name: str = "firma.png") -> ContentFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (11, 60, 104)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=name)


# --- Settings --------------------------------------------------------------------------------------------------------

def test_settings_choose_s3_when_a_bucket_is_named_and_local_folders_otherwise(monkeypatch, tmp_path):
    for name in ("AWS_STORAGE_BUCKET_NAME", "S3_ENDPOINT_URL", "AWS_S3_CUSTOM_DOMAIN"):
        monkeypatch.delenv(name, raising=False)
    local = build_storages(environ.Env(), certificates_root=tmp_path, staticfiles_backend="static")
    assert {alias: local[alias]["BACKEND"] for alias in ALIASES} == {
        "default": "django.core.files.storage.FileSystemStorage",
        "certificates": "django.core.files.storage.FileSystemStorage",
        "h5p": "h5p.storage.H5PFileSystemStorage"}
    assert local["certificates"]["OPTIONS"]["location"] == str(tmp_path)
    assert media_origin(environ.Env()) == ""

    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "campus")
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://minio:9000")
    remote = build_storages(environ.Env(), certificates_root=tmp_path, staticfiles_backend="static")

    assert {remote[alias]["BACKEND"] for alias in ALIASES} == {"storages.backends.s3.S3Storage"}
    assert remote["staticfiles"] == {"BACKEND": "static"}
    options = {alias: remote[alias]["OPTIONS"] for alias in ALIASES}
    assert [options[alias]["location"] for alias in ALIASES] == ["media", "certificates", "h5p"]
    assert {options[alias]["bucket_name"] for alias in ALIASES} == {"campus"}
    assert options["default"]["querystring_auth"] is False
    assert options["certificates"]["querystring_auth"] is True and options["h5p"]["querystring_auth"] is True
    assert options["default"]["addressing_style"] == "path"  # MinIO answers path-style addresses
    assert media_origin(environ.Env()) == "http://minio:9000"
    monkeypatch.setenv("AWS_S3_CUSTOM_DOMAIN", "media.campus.example.org")
    assert media_origin(environ.Env()) == "https://media.campus.example.org"


# --- Each store ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("alias", ALIASES)
def test_each_store_writes_reads_and_deletes_objects_in_the_bucket(s3, alias):
    storage = storages[alias]

    name = storage.save("notes/hola.txt", ContentFile(b"contenido"))

    assert in_bucket(s3, key_of(alias, name))
    with storage.open(name, "rb") as handle:
        assert handle.read() == b"contenido"
    assert storage.listdir("notes") == ([], ["hola.txt"])
    storage.delete(name)
    assert not in_bucket(s3, key_of(alias, name))
    assert not storage.exists(name)


def test_public_media_addresses_are_plain_and_private_ones_signed(s3):
    public = storages["default"].url("images/a.png")
    private = storages["certificates"].url("ab/abc.pdf")

    assert public == f"{s3.endpoint}/{BUCKET}/{key_of('default', 'images/a.png')}"
    assert "X-Amz-Signature" in private


def test_only_public_media_is_readable_without_the_platform(s3, certificate, learner):
    """With the bucket policy of `manage.py storage_policy`: images yes; certificates, H5P files and bulk uploads no."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command("storage_policy", stdout=out)
    policy = json.loads(out.getvalue())
    assert policy == public_read_policy(BUCKET, storages["default"].location)
    s3.client().put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    try:
        image = get_image_model().objects.create(title="Logo", file=png(name="logo.png"))
        bulk = storages["default"].save("bulk/2026/12/personas.csv", ContentFile(b"email\na@b.c\n"))
        package = import_sample()

        assert anonymous_get(s3, key_of("default", image.file.name)) == 200
        assert anonymous_get(s3, key_of("certificates", certificate.pdf.name)) == 403
        assert anonymous_get(s3, key_of("h5p", f"content/{package.storage_key}/h5p.json")) == 403
        assert anonymous_get(s3, key_of("default", bulk)) == 403
    finally:
        s3.client().delete_bucket_policy(Bucket=BUCKET)


# --- Certificates ----------------------------------------------------------------------------------------------------

def test_certificate_is_rendered_into_the_bucket_and_downloaded_by_its_owner_only(s3, client, certificate, learner):
    assert certificate.status == Certificate.Status.VALID
    assert certificate.pdf.name.endswith(".pdf")
    assert in_bucket(s3, key_of("certificates", certificate.pdf.name))
    url = f"/certificates/{certificate.code}/pdf/"

    client.force_login(learner)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(data)).pages) == 1

    client.force_login(UserFactory(role="Learner", country="GT"))
    assert client.get(url).status_code == 404


def test_certificate_shows_a_signature_image_stored_in_the_bucket(s3, certificate_template, catalog, learner,
                                                                  django_capture_on_commit_callbacks):
    signature = get_image_model().objects.create(title="Firma", file=png(width=173, height=61))
    assert in_bucket(s3, key_of("default", signature.file.name))
    CertificateSignatory.objects.filter(template=certificate_template).update(signature=signature)
    course = course_issuing(catalog, certificate_template)

    enrollment = complete(enrol_in_course(learner, course), django_capture_on_commit_callbacks)

    issued = Certificate.objects.get(enrollment=enrollment)
    sizes = [image.image.size for page in pdf_reader(issued).pages for image in page.images]
    assert (173, 61) in sizes


# --- H5P -------------------------------------------------------------------------------------------------------------

def _play(client, learner, catalog, package):
    from tests.h5p.test_serving import player_options, player_src

    lesson = lesson_with_h5p(catalog, h5p_block(ACTIVITY_ID, package))
    enrol(learner, lesson)
    client.force_login(learner)
    src = player_src(client, lesson)
    return src, player_options(client, src)


def test_h5p_package_is_stored_in_the_bucket_and_played_from_it(s3, client, learner, catalog):
    package = import_sample()
    assert in_bucket(s3, key_of("h5p", f"content/{package.storage_key}/h5p.json"))
    assert in_bucket(s3, key_of("h5p", f"libraries/{FOLDER}/scripts/yes-no.js"))

    src, options = _play(client, learner, catalog, package)
    response = client.get(f"{src}package/h5p.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(b"".join(response.streaming_content)) == package.h5p_json
    script = client.get(f"{options['librariesPath']}/{FOLDER}/scripts/yes-no.js")
    assert script.status_code == 200
    assert script["Content-Type"] == "text/javascript"
    assert "immutable" in script["Cache-Control"]
    assert int(script["Content-Length"]) == len(b"".join(script.streaming_content)) > 0
    again = client.get(f"{options['librariesPath']}/{FOLDER}/scripts/yes-no.js",
                       headers={"If-None-Match": script["ETag"]})
    assert again.status_code == 304
    assert client.get(f"{src}package/content/missing.json").status_code == 404
    assert client.get(f"{src}package/content").status_code == 404  # a "folder" is not an object


@pytest.mark.skipif(not REAL_PACKAGE.is_file(), reason=f"{REAL_PACKAGE} is not there (test data only)")
def test_real_h5p_package_loads_every_preloaded_file_from_the_bucket(s3, client, learner, catalog):
    from h5p.services import package_import

    with open(REAL_PACKAGE, "rb") as handle:
        package = package_import(handle)
    src, options = _play(client, learner, catalog, package)

    loaded = 0
    for library in package.libraries.all():
        for kind, content_type in (("preloadedJs", "text/javascript"), ("preloadedCss", "text/css")):
            for entry in library.library_json.get(kind, []):
                response = client.get(f"{options['librariesPath']}/{library.folder}/{entry['path']}")
                assert response.status_code == 200, entry["path"]
                assert response["Content-Type"] == content_type
                assert b"".join(response.streaming_content)
                loaded += 1
    assert loaded >= 5
    content = client.get(f"{src}package/content/content.json")
    assert content.status_code == 200 and json.loads(b"".join(content.streaming_content))


def test_pages_allow_images_from_the_media_origin(client, settings):
    response = client.get("/", follow=True)

    policy = response.get("Content-Security-Policy", "")
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert settings.MEDIA_ORIGIN and settings.MEDIA_ORIGIN in img_src
