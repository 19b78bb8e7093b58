"""Validation of uploaded .h5p packages: every rule refuses what it should, with a message naming the file,
and real packages from other H5P tools are accepted."""

import hashlib
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from h5p import validation
from h5p.validation import (
    CONTENT_EXTENSIONS,
    LIBRARY_EXTENSIONS,
    H5PLimits,
    H5PValidationError,
    ReadBudget,
    safe_entry_name,
    stream_entry,
    validate_package,
)
from tests.h5p.packages import (
    TEST_LIBRARY_FOLDER,
    build_package,
    default_h5p_json,
    default_library_json,
    library_files,
    with_declared_size,
    zip_bytes,
)

MiB = 1024 * 1024
LIMITS = H5PLimits(max_upload_bytes=8 * MiB, max_entries=50, max_file_bytes=4 * MiB, max_total_bytes=8 * MiB,
                   max_ratio=100)
# For tests about sizes rather than ratios: highly repetitive test data must not trip the ratio cap first.
NO_RATIO = replace(LIMITS, max_ratio=10**9)
FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "h5p"


def refused(package: bytes, limits: H5PLimits = LIMITS) -> H5PValidationError:
    with pytest.raises(H5PValidationError) as caught:
        validate_package(io.BytesIO(package), limits=limits)
    return caught.value


def assert_refused(package: bytes, rule: str, file: str | None = None, *, limits: H5PLimits = LIMITS,
                   message_part: str | None = None) -> H5PValidationError:
    """The package is refused by `rule`, and the error (attribute and message) names `file`."""
    error = refused(package, limits)
    assert (error.rule, error.code) == (rule, rule), error.messages
    message = error.messages[0]
    if file is not None:
        assert error.file == file
        assert file in message
    if message_part is not None:
        assert message_part in message
    return error


# --- a valid package -----------------------------------------------------------------------------------------

def test_minimal_package_is_described():
    package = build_package()
    upload = io.BytesIO(package)
    upload.seek(7)

    result = validate_package(upload, limits=LIMITS)

    assert upload.tell() == 0
    assert (result.title, result.language) == ("Prueba", "es")
    assert (result.main_library, result.main_major, result.main_minor) == ("H5P.Test", 1, 0)
    assert result.h5p_json == default_h5p_json()
    assert result.content_files == ("content/content.json",)
    assert result.sha256 == hashlib.sha256(package).hexdigest()
    [library] = result.libraries
    assert (library.machine_name, library.major, library.minor, library.patch) == ("H5P.Test", 1, 0, 0)
    assert (library.folder, library.title) == (TEST_LIBRARY_FOLDER, "Test")
    assert library.library_json == default_library_json()
    assert set(library.files) == {f"{TEST_LIBRARY_FOLDER}/{name}" for name in library_files()}
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        assert result.total_bytes == sum(info.file_size for info in zf.infolist())


def test_versions_as_digit_strings_root_files_ignored_entries_and_folders_are_accepted():
    """What real exports contain: string versions in h5p.json, directory entries, a stray root text file,
    macOS metadata (skipped like H5P core does), svg in libraries, editor dependencies left out."""
    h5p_json = default_h5p_json()
    h5p_json["preloadedDependencies"] = [{"machineName": "H5P.Test", "majorVersion": "1", "minorVersion": "0"}]
    library_json = default_library_json()
    library_json["editorDependencies"] = [{"machineName": "H5PEditor.Absent", "majorVersion": 1, "minorVersion": 0}]
    files = library_files(library_json) | {"images/icon.svg": b"<svg/>", "language/es.json": b"{}"}
    package = build_package(
        h5p_json=h5p_json,
        libraries={TEST_LIBRARY_FOLDER: files},
        extra_entries=[("content/", b""), ("content/images/", b""), ("content/images/photo.JPG", b"\xff\xd8"),
                       ("H5P_CONTENT_HERE.txt", b"hi"), ("__MACOSX/content/._photo.JPG", b"x"),
                       ("content/.DS_Store", b"x"), ("./content/notes.txt", b"n")],
    )

    result = validate_package(io.BytesIO(package), limits=LIMITS)

    assert result.main_major == 1
    assert result.content_files == ("content/content.json", "content/images/photo.JPG", "content/notes.txt")
    assert f"{TEST_LIBRARY_FOLDER}/images/icon.svg" in result.libraries[0].files


def test_limits_come_from_settings(settings):
    settings.H5P_MAX_UPLOAD_BYTES = 1000
    settings.H5P_MAX_ENTRIES = 7
    settings.H5P_MAX_FILE_BYTES = 2000
    settings.H5P_MAX_TOTAL_BYTES = 3000
    settings.H5P_MAX_RATIO = 9

    assert H5PLimits.from_settings() == H5PLimits(1000, 7, 2000, 3000, 9)
    assert_refused(build_package(), "too_large", limits=H5PLimits.from_settings())


def test_default_limits():
    assert H5PLimits.from_settings() == H5PLimits(50 * MiB, 5000, 20 * MiB, 200 * MiB, 100)


def test_extension_lists_follow_h5p_core_without_scriptable_types():
    assert {"json", "png", "jpg", "mp4", "vtt", "glb"} <= CONTENT_EXTENSIONS
    assert not {"svg", "html", "htm", "js", "css", "php"} & CONTENT_EXTENSIONS
    assert LIBRARY_EXTENSIONS == CONTENT_EXTENSIONS | {"js", "css", "svg"}


# --- the upload itself ---------------------------------------------------------------------------------------

def test_empty_file():
    assert_refused(b"", "empty", "")


def test_too_large_upload():
    package = build_package()
    assert_refused(package, "too_large", "", limits=replace(LIMITS, max_upload_bytes=len(package) - 1))
    validate_package(io.BytesIO(package), limits=replace(LIMITS, max_upload_bytes=len(package)))


def test_not_a_zip():
    assert_refused(b"This is not a zip file at all.", "zip", "")


def test_damaged_entry_is_caught_by_its_checksum():
    package = bytearray(build_package(compression=zipfile.ZIP_STORED))
    position = package.find(b"Madrid")
    package[position] = ord("m")
    assert_refused(bytes(package), "zip", "content/content.json")


def test_error_leaves_file_at_start():
    upload = io.BytesIO(build_package(omit=["h5p.json"]))
    with pytest.raises(H5PValidationError):
        validate_package(upload, limits=LIMITS)
    assert upload.tell() == 0


def test_too_many_entries():
    package = build_package(extra_entries={f"content/{n}.json": b"{}" for n in range(10)})
    error = assert_refused(package, "too_many_entries", "", limits=replace(LIMITS, max_entries=10))
    assert "15" in error.messages[0]


def test_encrypted_and_unusual_compression_are_refused():
    package = bytearray(build_package())
    # Set the "encrypted" flag of content/content.json in the central directory.
    record = package.find(b"content/content.json", package.find(b"PK\x01\x02")) - 46
    package[record + 8] |= 0x1
    assert_refused(bytes(package), "zip", "content/content.json", message_part="encrypted")
    bzip = zip_bytes({"h5p.json": b"{}"}, compression=zipfile.ZIP_BZIP2)
    assert_refused(bzip, "zip", "h5p.json", message_part="compression")


# --- entry names ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "rule"), [
    ("../evil.js", "dot_segment"),
    ("content/../../x.json", "dot_segment"),
    ("content/./x.json", "dot_segment"),
    ("content//x.json", "empty_segment"),
    ("/etc/passwd.txt", "absolute_path"),
    ("C:/Windows/x.txt", "drive_letter"),
    ("C:x.txt", "drive_letter"),
    ("content\\x.json", "backslash"),
    ("..\\evil.js", "backslash"),
])
def test_unsafe_names_are_refused(name, rule):
    assert_refused(build_package(extra_entries={name: b"{}"}), rule, name)


@pytest.mark.parametrize(("name", "normalised"), [
    ("content/content.json", "content/content.json"),
    ("./content/x.json", "content/x.json"),
    ("content/images/", "content/images/"),
    ("H5P.Test-1.0/scripts/test.js", "H5P.Test-1.0/scripts/test.js"),
])
def test_safe_entry_name_normalises(name, normalised):
    assert safe_entry_name(name) == normalised


def test_safe_entry_name_refuses_empty_name():
    with pytest.raises(H5PValidationError) as caught:
        safe_entry_name("")
    assert caught.value.rule == "empty_segment"


def test_symlink():
    package = zip_bytes({**_entries(build_package()), "content/link.json": b"/etc/passwd"},
                        symlinks=["content/link.json"])
    assert_refused(package, "symlink", "content/link.json")


def test_duplicate_entry():
    package = build_package(extra_entries=[("content/content.json", b"{}")])
    assert_refused(package, "duplicate", "content/content.json")


def test_duplicate_differing_only_in_case():
    package = build_package(extra_entries=[("content/Content.JSON", b"{}")])
    assert_refused(package, "duplicate", "content/Content.JSON")


def test_name_used_as_file_and_folder():
    package = build_package(extra_entries=[("content/a.json", b"{}"), ("content/a.json/b.json", b"{}")])
    assert_refused(package, "duplicate", "content/a.json")


# --- sizes and ratios, counted while streaming -----------------------------------------------------------------

def test_bomb_by_ratio():
    package = build_package(extra_entries={"content/zeros.json": bytes(30 * MiB)})
    assert len(package) < 100_000
    limits = replace(LIMITS, max_file_bytes=64 * MiB, max_total_bytes=64 * MiB)
    assert_refused(package, "ratio", "content/zeros.json", limits=limits)


def test_bomb_spread_over_many_small_entries_is_caught_by_package_ratio():
    """No single entry passes the ratio floor; together they expand far beyond the cap."""
    entries = {f"content/zeros{n}.json": bytes(512 * 1024) for n in range(6)}
    error = assert_refused(build_package(extra_entries=entries), "ratio", "")
    assert "package" in error.messages[0]


def test_small_compressible_files_are_not_a_bomb():
    entries = {"content/big.json": json.dumps({"text": "a" * 500_000}).encode()}
    validate_package(io.BytesIO(build_package(extra_entries=entries)), limits=replace(LIMITS, max_ratio=2))


def test_per_file_cap():
    package = build_package(extra_entries={"content/big.json": bytes(MiB + 1)})
    limits = replace(NO_RATIO, max_file_bytes=MiB)
    assert_refused(package, "file_too_large", "content/big.json", limits=limits)
    validate_package(io.BytesIO(build_package(extra_entries={"content/big.json": bytes(MiB)})), limits=limits)


def test_total_cap():
    entries = {f"content/part{n}.json": bytes(400 * 1024) for n in range(3)}
    limits = replace(NO_RATIO, max_total_bytes=MiB)
    assert_refused(build_package(extra_entries=entries), "total_too_large", "content/part2.json", limits=limits)


def test_header_understating_size_does_not_hide_data_from_the_cap():
    """The headers say 10 bytes; zlib produces 2 MiB. Trusting the header (or letting zipfile stop where the
    header says) would see 10 bytes and report a checksum error at best: the cap must see the real bytes."""
    package = with_declared_size(build_package(extra_entries={"content/big.json": bytes(2 * MiB)}),
                                 "content/big.json", 10)
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        assert zf.getinfo("content/big.json").file_size == 10
    assert_refused(package, "file_too_large", "content/big.json", limits=replace(NO_RATIO, max_file_bytes=MiB))


def test_header_understating_size_under_the_cap_is_refused_as_inconsistent():
    package = with_declared_size(build_package(extra_entries={"content/big.json": bytes(100_000)}),
                                 "content/big.json", 10)
    assert_refused(package, "zip", "content/big.json", limits=NO_RATIO, message_part="does not match")


def test_header_overstating_size_is_not_counted():
    """A header claiming 1 GiB over a few bytes: caps apply to what is really there, then the mismatch is
    refused so the extractor never trusts that header either."""
    package = with_declared_size(build_package(), "content/content.json", 2**30)
    assert_refused(package, "zip", "content/content.json", message_part="does not match")


def test_stream_entry_counts_real_bytes_into_the_budget():
    package = build_package(extra_entries={"content/data.json": b"[" + b"1," * 1000 + b"1]"})
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        info = zf.getinfo("content/data.json")
        info.file_size = 3  # a lie told after the directory was read: nothing may rely on it
        budget = ReadBudget(upload_bytes=len(package))
        with pytest.raises(H5PValidationError) as caught:
            b"".join(stream_entry(zf, info, LIMITS, budget))
    assert budget.total_bytes == 2003
    assert caught.value.rule == "zip"
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        info = zf.getinfo("content/data.json")
        budget = ReadBudget(upload_bytes=len(package))
        data = b"".join(stream_entry(zf, info, LIMITS, budget))
    assert len(data) == budget.total_bytes == 2003


# --- extensions ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "extension"), [
    ("content/evil.svg", "svg"),
    ("content/page.html", "html"),
    ("content/page.HTM", "htm"),
    ("content/images/x.js", "js"),
    ("content/style.css", "css"),
    ("run.sh", "sh"),
    (f"{TEST_LIBRARY_FOLDER}/scripts/shell.php", "php"),
])
def test_disallowed_extensions(name, extension):
    error = assert_refused(build_package(extra_entries={name: b"x"}), "extension", name)
    assert f".{extension}" in error.messages[0]


def test_content_message_wording():
    error = refused(build_package(extra_entries={"content/evil.svg": b"<svg/>"}))
    assert error.messages == ["content/evil.svg: files of type .svg are not allowed in H5P content."]


@pytest.mark.parametrize("name", ["content/README", f"{TEST_LIBRARY_FOLDER}/LICENSE"])
def test_files_without_extension(name):
    assert_refused(build_package(extra_entries={name: b"x"}), "extension", name)


# --- h5p.json -----------------------------------------------------------------------------------------------

def test_missing_h5p_json():
    assert_refused(build_package(omit=["h5p.json"]), "h5p_json_missing", "h5p.json")


def test_h5p_json_not_json():
    assert_refused(build_package(h5p_json=b"{title: 'Prueba'"), "h5p_json_invalid", "h5p.json")


def test_h5p_json_not_utf8():
    assert_refused(build_package(h5p_json=b'{"title": "Prueba \xe9"}'), "h5p_json_invalid", "h5p.json")


def test_h5p_json_not_an_object():
    assert_refused(build_package(h5p_json=b"[]"), "h5p_json_invalid", "h5p.json")


def _h5p_json_with(**changes) -> dict:
    h5p_json = default_h5p_json()
    for key, value in changes.items():
        if value is None:
            del h5p_json[key]
        else:
            h5p_json[key] = value
    return h5p_json


@pytest.mark.parametrize(("field", "changes"), [
    ("title", {"title": None}),
    ("title", {"title": "   "}),
    ("title", {"title": 42}),
    ("language", {"language": None}),
    ("language", {"language": "es/../x"}),
    ("mainLibrary", {"mainLibrary": None}),
    ("mainLibrary", {"mainLibrary": "../H5P.Test"}),
    ("preloadedDependencies", {"preloadedDependencies": None}),
    ("preloadedDependencies", {"preloadedDependencies": []}),
    ("preloadedDependencies", {"preloadedDependencies": [{"machineName": "H5P.Test", "majorVersion": 1}]}),
    ("preloadedDependencies", {"preloadedDependencies": [
        {"machineName": "H5P.Test", "majorVersion": "one", "minorVersion": 0}]}),
    ("preloadedDependencies", {"preloadedDependencies": [
        {"machineName": "..", "majorVersion": 1, "minorVersion": 0}]}),
    ("embedTypes", {"embedTypes": None}),
    ("embedTypes", {"embedTypes": []}),
    ("embedTypes", {"embedTypes": ["div", "script"]}),
    ("embedTypes", {"embedTypes": "div"}),
])
def test_h5p_json_invalid_field(field, changes):
    error = assert_refused(build_package(h5p_json=_h5p_json_with(**changes)), "h5p_json_invalid", "h5p.json")
    assert f'"{field}"' in error.messages[0].replace("“", '"').replace("”", '"')


def test_main_library_not_among_dependencies():
    package = build_package(h5p_json=_h5p_json_with(mainLibrary="H5P.Other"))
    assert_refused(package, "h5p_json_invalid", "h5p.json", message_part="H5P.Other")


# --- content/content.json ------------------------------------------------------------------------------------

def test_missing_content_json():
    assert_refused(build_package(omit=["content/content.json"]), "content_json_invalid", "content/content.json")


@pytest.mark.parametrize("content", [b"not json", b'["a list"]', b'{"score": NaN}'])
def test_content_json_invalid(content):
    assert_refused(build_package(content=content), "content_json_invalid", "content/content.json")


# --- libraries ---------------------------------------------------------------------------------------------

def test_missing_dependency_of_h5p_json():
    h5p_json = default_h5p_json()
    h5p_json["preloadedDependencies"].append({"machineName": "H5P.Missing", "majorVersion": 2, "minorVersion": 3})
    assert_refused(build_package(h5p_json=h5p_json), "library_missing", "h5p.json", message_part="H5P.Missing-2.3")


def test_missing_main_library_folder():
    assert_refused(build_package(libraries={}), "library_missing", "h5p.json", message_part="H5P.Test-1.0")


def test_missing_dependency_of_a_library():
    library_json = default_library_json()
    library_json["preloadedDependencies"] = [{"machineName": "FontAwesome", "majorVersion": 4, "minorVersion": 5}]
    package = build_package(libraries={TEST_LIBRARY_FOLDER: library_files(library_json)})
    assert_refused(package, "library_missing", f"{TEST_LIBRARY_FOLDER}/library.json",
                   message_part="FontAwesome-4.5")


def test_library_folder_without_library_json():
    package = build_package(extra_entries={"Stray-1.0/scripts/x.js": b""})
    assert_refused(package, "library_json_invalid", "Stray-1.0/library.json")


@pytest.mark.parametrize(("field", "value"), [
    ("machineName", None),
    ("machineName", "../evil"),
    ("majorVersion", None),
    ("minorVersion", "x"),
    ("patchVersion", None),
    ("patchVersion", True),
    ("title", ""),
])
def test_library_json_invalid_field(field, value):
    library_json = default_library_json()
    if value is None:
        del library_json[field]
    else:
        library_json[field] = value
    package = build_package(libraries={TEST_LIBRARY_FOLDER: library_files(library_json)})
    error = assert_refused(package, "library_json_invalid", f"{TEST_LIBRARY_FOLDER}/library.json")
    assert field in error.messages[0]


def test_library_json_not_json():
    package = build_package(libraries={TEST_LIBRARY_FOLDER: library_files(b"{")})
    assert_refused(package, "library_json_invalid", f"{TEST_LIBRARY_FOLDER}/library.json")


def test_library_folder_name_must_match_library_json():
    library_json = default_library_json()
    library_json["minorVersion"] = 2
    package = build_package(libraries={TEST_LIBRARY_FOLDER: library_files(library_json)})
    assert_refused(package, "library_json_invalid", f"{TEST_LIBRARY_FOLDER}/library.json",
                   message_part="H5P.Test-1.2")


# --- real packages -------------------------------------------------------------------------------------------

REAL_PACKAGES = [
    ("tunapanda-h5p-test-TrueFalse.h5p", "Hello World", "H5P.TrueFalse", 1, 6),
    ("lumi-H5P.MultiChoice.h5p", "Multiple Choice", "H5P.MultiChoice", 1, 14),
    ("lumi-H5P.Blanks.h5p", "Fill in the Blanks", "H5P.Blanks", 1, 12),
    ("lumi-H5P.QuestionSet.h5p", "Hub Download Question Set All", "H5P.QuestionSet", 1, 17),
]


@pytest.mark.parametrize(("filename", "title", "main_library", "major", "minor"), REAL_PACKAGES)
def test_real_packages_validate(filename, title, main_library, major, minor):
    path = FIXTURES / filename
    if not path.exists():
        pytest.skip(f"real H5P packages are not available here ({path} is missing)")
    with path.open("rb") as upload:
        result = validate_package(upload, limits=H5PLimits.from_settings())
        assert upload.tell() == 0
    assert (result.title, result.main_library, result.main_major, result.main_minor) == (
        title, main_library, major, minor)
    assert "content/content.json" in result.content_files
    assert f"{main_library}-{major}.{minor}" in {library.folder for library in result.libraries}
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# --- helpers -------------------------------------------------------------------------------------------------

def _entries(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}



def _with_stated_entry_count(package: bytes, count: int) -> bytes:
    """The package with the end-of-central-directory record stating `count` entries."""
    data = bytearray(package)
    end = data.rfind(b"PK\x05\x06")
    data[end + 8:end + 12] = count.to_bytes(2, "little") * 2
    return bytes(data)


def test_entry_count_understated_in_the_directory_end_record_is_still_counted():
    package = _with_stated_entry_count(build_package(extra_entries={f"content/{n}.json": b"{}" for n in range(10)}), 1)
    assert_refused(package, "too_many_entries", "", limits=replace(LIMITS, max_entries=10), message_part="15")


@pytest.mark.parametrize("stated_count", [1, 3005])
def test_oversized_central_directory_is_refused_before_zipfile_parses_it(monkeypatch, stated_count):
    """zipfile would build every record in memory before the count could be checked: the end record's count,
    and its directory size when the count lies, refuse the package first."""
    names = {f"content/{n:05}.json": b"" for n in range(3000)}
    package = _with_stated_entry_count(build_package(extra_entries=names), stated_count)

    def parse_nothing(*args, **kwargs):
        raise AssertionError("zipfile parsed the central directory")

    monkeypatch.setattr(validation.zipfile, "ZipFile", parse_nothing)
    assert_refused(package, "too_many_entries", "", limits=replace(LIMITS, max_entries=100))


def test_zip64_directory_end_record_is_read():
    """Over 65,535 entries zipfile writes the counts in the zip64 end record; the pre-check reads it there."""
    package = zip_bytes({format(n, "x"): b"" for n in range(0x10000)}, compression=zipfile.ZIP_STORED)
    error = assert_refused(package, "too_many_entries", "", limits=replace(LIMITS, max_entries=100))
    assert "65536" in error.messages[0]
