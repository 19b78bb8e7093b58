"""Importing .h5p packages: the `import_h5p` command and the admin upload store accepted packages in the "h5p"
storage (libraries once), and leave nothing behind for a rejected one."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from h5p.models import H5PLibrary, H5PPackage
from h5p.sample import FOLDER, MACHINE_NAME, sample_package
from h5p.services import PackageExists, package_import
from h5p.validation import H5PValidationError
from tests.h5p.conftest import h5p_files
from tests.h5p.packages import build_package

pytestmark = [pytest.mark.django_db, pytest.mark.storage, pytest.mark.usefixtures("h5p_root")]

ADD_URL = "wagtailsnippets_h5p_h5ppackage:add"
GOOD = {"title": "Capital de España", "question": "¿Madrid es la capital de España?", "correct": True}
EVIL = build_package(extra_entries={"../evil.js": b"alert(1)"})


def read(storage, name: str) -> bytes:
    with storage.open(name, "rb") as handle:
        return handle.read()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run(*paths) -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_h5p", *map(str, paths), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


# --- The command -----------------------------------------------------------------------------------------------------

def test_command_imports_a_good_package(tmp_path, h5p_root, h5p_staging):
    path = write(tmp_path, "capital.h5p", sample_package(**GOOD))

    out, err, error = run(path)

    assert error is None, err
    package = H5PPackage.objects.get()
    assert f"{path}: imported as #{package.pk} “Capital de España”" in out
    assert f"({MACHINE_NAME} 1.0, 1 libraries)" in out
    assert (package.title, package.language, package.main_library.machine_name) == ("Capital de España", "es",
                                                                                     MACHINE_NAME)
    assert package.uploaded_by is None
    assert package.size_bytes == path.stat().st_size
    content = f"content/{package.storage_key}"
    assert json.loads(read(h5p_root, f"{content}/h5p.json"))["title"] == "Capital de España"
    assert json.loads(read(h5p_root, f"{content}/content/content.json"))["question"] == GOOD["question"]
    library = f"libraries/{FOLDER}"
    assert json.loads(read(h5p_root, f"{library}/library.json"))["machineName"] == MACHINE_NAME
    assert h5p_root.exists(f"{library}/scripts/yes-no.js")
    assert not any(name.startswith(FOLDER) for name in h5p_files(library))  # the folder prefix is stripped
    assert not any(h5p_staging.iterdir())


def test_command_importing_the_same_file_again_says_so(tmp_path):
    path = write(tmp_path, "capital.h5p", sample_package(**GOOD))
    run(path)
    package = H5PPackage.objects.get()

    out, err, error = run(path)

    assert error is None, err
    assert f"{path}: already imported as #{package.pk} “Capital de España”" in out
    assert H5PPackage.objects.count() == 1


@pytest.mark.parametrize(("data", "rule", "part"), [
    (EVIL, "dot_segment", "../evil.js"),
    (b"just some text, not a zip", None, None),
], ids=["dot-segment", "plain-text"])
def test_command_rejects_a_bad_file_naming_file_and_rule(tmp_path, h5p_staging, data, rule, part):
    path = write(tmp_path, "bad.h5p", data)
    before = h5p_files()

    out, err, error = run(path)

    assert isinstance(error, CommandError)
    assert error.returncode == 1
    assert str(error) == "1 of 1 packages rejected."
    assert err.startswith(f"{path}: rejected (")
    if rule:
        assert f"({rule})" in err
        assert part in err
    assert "imported as" not in out
    assert not H5PPackage.objects.exists() and not H5PLibrary.objects.exists()
    assert h5p_files() == before
    assert not any(h5p_staging.iterdir())


def test_command_reports_an_unreadable_path(tmp_path):
    out, err, error = run(tmp_path / "missing.h5p")

    assert error is not None and error.returncode == 1
    assert f"{tmp_path / 'missing.h5p'}: cannot be read" in err


def test_command_imports_the_good_files_of_a_mix_and_still_fails(tmp_path):
    good = write(tmp_path, "good.h5p", sample_package(**GOOD))
    bad = write(tmp_path, "bad.h5p", EVIL)

    out, err, error = run(bad, good)

    assert error is not None and error.returncode == 1
    assert str(error) == "1 of 2 packages rejected."
    assert f"{good}: imported as" in out
    assert f"{bad}: rejected (dot_segment)" in err
    assert str(good) not in err
    package = H5PPackage.objects.get()
    assert h5p_files("content") == {f"{package.storage_key}/h5p.json",
                                    f"{package.storage_key}/content/content.json"}


def test_command_exit_status_is_one(tmp_path):
    """What a shell or CI job sees: the command's process exits with status 1 (the file is refused before any
    database access)."""
    bad = write(tmp_path, "bad.h5p", b"not a zip")
    result = subprocess.run([sys.executable, "-c", "import sys; from django.core.management import "
                             "execute_from_command_line as run; run(['manage.py', 'import_h5p', sys.argv[1]])",
                             str(bad)], capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2],
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "elearn.settings.test",
                                 "H5P_ROOT": str(tmp_path / "h5p")}, timeout=120)

    assert result.returncode == 1, result.stderr
    assert f"{bad}: rejected" in result.stderr


# --- Storage ---------------------------------------------------------------------------------------------------------

def test_rejected_package_leaves_nothing_behind(h5p_staging):
    package_import(io.BytesIO(sample_package(**GOOD)))  # a library already there must survive untouched
    before = h5p_files()
    counts = (H5PPackage.objects.count(), H5PLibrary.objects.count())

    with pytest.raises(H5PValidationError) as caught:
        package_import(io.BytesIO(EVIL))

    assert (caught.value.rule, caught.value.file) == ("dot_segment", "../evil.js")
    assert h5p_files() == before
    assert not any(h5p_staging.iterdir())
    assert (H5PPackage.objects.count(), H5PLibrary.objects.count()) == counts


def test_failure_while_storing_removes_what_was_moved(h5p_staging, monkeypatch):
    """An error after the library folder was stored (here: storing the content folder) rolls back the rows and
    removes the new library folder."""
    monkeypatch.setattr("h5p.storage.replace_dir", _fail_on_content())

    with pytest.raises(RuntimeError):
        package_import(io.BytesIO(sample_package(**GOOD)))

    assert not H5PPackage.objects.exists() and not H5PLibrary.objects.exists()
    assert h5p_files() == set()
    assert not any(h5p_staging.iterdir())


def _fail_on_content():
    """replace_dir that works for libraries and fails for the package's content folder, after storing one file."""
    from h5p import storage

    original = storage.replace_dir

    def replace_dir(source, prefix):
        if prefix.startswith("content/"):
            storage.h5p_storage().save(f"{prefix}/h5p.json", io.BytesIO(b"{}"))
            raise RuntimeError("disk full")
        return original(source, prefix)

    return replace_dir


def test_packages_sharing_a_library_store_it_once():
    first = package_import(io.BytesIO(sample_package(**GOOD)))
    second = package_import(io.BytesIO(sample_package(title="Capital de Perú", question="¿Lima?", correct=True)))

    assert H5PLibrary.objects.count() == 1
    library = H5PLibrary.objects.get()
    assert (library.machine_name, library.major, library.minor, library.patch) == (MACHINE_NAME, 1, 0, 0)
    assert list(first.libraries.all()) == list(second.libraries.all()) == [library]
    assert first.main_library == second.main_library == library
    assert h5p_files("libraries") == {f"{FOLDER}/library.json", f"{FOLDER}/scripts/yes-no.js",
                                      f"{FOLDER}/styles/yes-no.css"}
    assert {name.split("/")[0] for name in h5p_files("content")} == {str(first.storage_key),
                                                                     str(second.storage_key)}


def test_same_file_twice_raises_package_exists():
    first = package_import(io.BytesIO(sample_package(**GOOD)))

    with pytest.raises(PackageExists) as caught:
        package_import(io.BytesIO(sample_package(**GOOD)))

    assert caught.value.package == first
    assert caught.value.code == "duplicate_package"
    assert H5PPackage.objects.count() == 1


def test_title_given_at_import_wins_over_the_packages():
    package = package_import(io.BytesIO(sample_package(**GOOD)), title="Mi título")

    assert package.title == "Mi título"
    assert package.h5p_json["title"] == "Capital de España"


# --- The admin upload ------------------------------------------------------------------------------------------------

def upload(data: bytes, name: str = "capital.h5p") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def form_errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def test_trainer_opens_the_upload_form(client, trainer):
    client.force_login(trainer)

    response = client.get(reverse(ADD_URL))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="upload"' in html and 'type="file"' in html
    assert 'name="title"' in html
    assert 'enctype="multipart/form-data"' in html


def test_trainer_uploads_a_package_and_its_title_comes_from_h5p_json(client, trainer, h5p_root):
    client.force_login(trainer)

    response = client.post(reverse(ADD_URL), {"upload": upload(sample_package(**GOOD)), "title": ""})

    assert response.status_code == 302, form_errors(response) if response.context else response
    package = H5PPackage.objects.get()
    assert (package.title, package.uploaded_by) == ("Capital de España", trainer)
    assert h5p_root.exists(f"content/{package.storage_key}/h5p.json")
    assert h5p_root.exists(f"libraries/{FOLDER}/library.json")


def test_title_given_in_the_form_is_kept(client, trainer):
    client.force_login(trainer)

    client.post(reverse(ADD_URL), {"upload": upload(sample_package(**GOOD)), "title": "Pregunta 1"})

    assert H5PPackage.objects.get().title == "Pregunta 1"


def test_malformed_upload_shows_the_precise_error_and_creates_nothing(client, trainer, h5p_staging):
    client.force_login(trainer)
    before = h5p_files()

    response = client.post(reverse(ADD_URL), {"upload": upload(EVIL), "title": ""})

    assert response.status_code == 200
    assert form_errors(response) == "../evil.js: “.” and “..” are not allowed in file paths."
    assert "../evil.js" in response.content.decode()
    assert not H5PPackage.objects.exists() and not H5PLibrary.objects.exists()
    assert h5p_files() == before
    assert not any(h5p_staging.iterdir())


def test_upload_not_ending_in_h5p_is_refused(client, trainer):
    client.force_login(trainer)

    response = client.post(reverse(ADD_URL), {"upload": upload(sample_package(**GOOD), name="capital.zip")})

    assert response.status_code == 200
    assert form_errors(response) == "Choose a file ending in .h5p."
    assert not H5PPackage.objects.exists()


def test_plain_text_upload_is_refused(client, trainer):
    client.force_login(trainer)

    response = client.post(reverse(ADD_URL), {"upload": upload(b"hello, I am not a zip")})

    assert response.status_code == 200
    assert form_errors(response)
    assert not H5PPackage.objects.exists()


def test_uploading_the_same_file_twice_is_refused(client, trainer):
    client.force_login(trainer)
    client.post(reverse(ADD_URL), {"upload": upload(sample_package(**GOOD))})

    response = client.post(reverse(ADD_URL), {"upload": upload(sample_package(**GOOD))})

    assert response.status_code == 200
    assert form_errors(response) == "This package was uploaded before, as “Capital de España”."
    assert H5PPackage.objects.count() == 1


def test_edit_form_changes_the_title_only(client, trainer):
    package = package_import(io.BytesIO(sample_package(**GOOD)))
    client.force_login(trainer)
    url = reverse("wagtailsnippets_h5p_h5ppackage:edit", args=[package.pk])

    assert 'name="upload"' not in client.get(url).content.decode()
    response = client.post(url, {"title": "Nuevo título"})

    assert response.status_code == 302
    package.refresh_from_db()
    assert package.title == "Nuevo título"


def test_learner_cannot_upload(client, learner):
    """A learner has no admin access at all: Wagtail sends them to sign in with another account."""
    client.force_login(learner)

    response = client.post(reverse(ADD_URL), {"upload": upload(sample_package(**GOOD))})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={reverse(ADD_URL)}"
    assert not H5PPackage.objects.exists()


def test_focal_point_has_no_add_permission(client, focal_point_mx):
    """Wagtail answers an admin user without the permission with a redirect to the dashboard, not a 403."""
    client.force_login(focal_point_mx)

    assert client.get(reverse(ADD_URL))["Location"] == reverse("wagtailadmin_home")
    response = client.post(reverse(ADD_URL), {"upload": upload(sample_package(**GOOD))})

    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert not H5PPackage.objects.exists()


def test_anonymous_is_sent_to_the_admin_login(client):
    response = client.get(reverse(ADD_URL))

    assert response.status_code == 302
    assert "login" in response["Location"]
