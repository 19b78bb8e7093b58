"""The real packages of ../shared/fixtures/h5p (made by others) import and extract completely."""

import json
from pathlib import Path

import pytest

from h5p import storage
from h5p.models import H5PLibrary
from h5p.services import PackageExists, package_import

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "h5p"
PACKAGES = sorted(FIXTURES.glob("*.h5p")) if FIXTURES.is_dir() else []

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.storage,
    pytest.mark.usefixtures("h5p_root"),
    pytest.mark.skipif(not PACKAGES, reason=f"the real H5P packages are not in {FIXTURES} (test data only)"),
]


def _read(stored, name: str) -> bytes:
    with stored.open(name, "rb") as handle:
        return handle.read()


def test_all_real_packages_import_and_share_libraries():
    packages = []
    for path in PACKAGES:
        with open(path, "rb") as fileobj:
            packages.append(package_import(fileobj))
    assert len(packages) == 4
    stored = storage.h5p_storage()
    for package in packages:
        folder = storage.content_prefix(package.storage_key)
        assert json.loads(_read(stored, f"{folder}/h5p.json"))["mainLibrary"] == package.main_library.machine_name
        assert stored.exists(f"{folder}/content/content.json")
        for library in package.libraries.all():
            folder = storage.library_prefix(library.folder)
            library_json = json.loads(_read(stored, f"{folder}/library.json"))
            assert library_json["machineName"] == library.machine_name
            for script in library_json.get("preloadedJs", []):
                assert stored.exists(f"{folder}/{script['path']}")
    # The question set reuses MultiChoice, TrueFalse and Blanks: each library is stored once.
    used = sum(package.libraries.count() for package in packages)
    assert H5PLibrary.objects.count() < used
    assert {p.main_library_label for p in packages} == {
        "H5P.TrueFalse 1.6", "H5P.MultiChoice 1.14", "H5P.Blanks 1.12", "H5P.QuestionSet 1.17"}


def test_importing_the_same_file_again_is_recognised():
    with open(PACKAGES[0], "rb") as fileobj:
        first = package_import(fileobj)
    with open(PACKAGES[0], "rb") as fileobj, pytest.raises(PackageExists) as exists:
        package_import(fileobj)
    assert exists.value.package == first
