"""Safe validation of uploaded .h5p packages.

An .h5p file is a zip archive made by someone we do not trust, so everything here treats it as hostile:
names are checked before anything is read, sizes are counted from the bytes zlib really produces (never from
the sizes the zip headers claim), and nothing is written anywhere. The extractor writes only the files this
module lists in a ValidatedPackage, using the names safe_entry_name() returns and reading through
stream_entry(), so the caps checked here are the caps enforced there.

The rules follow what H5P core (h5p-php-library) accepts, so that packages exported from H5P.org, Lumi or a
Moodle/WordPress site validate here too.
"""

from __future__ import annotations

import copy
import hashlib
import json
import posixpath
import re
import stat
import struct
import sys
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

MiB = 1024 * 1024
CHUNK_BYTES = 64 * 1024
# Below this many decompressed bytes the ratio caps do not apply: a few kilobytes of JSON often compress
# 100-fold and are harmless.
RATIO_FLOOR_BYTES = 1 * MiB

# H5P core's default content whitelist, minus svg (scriptable), with the newer 3D model types.
CONTENT_EXTENSIONS = frozenset(
    "json png jpg jpeg gif bmp tif tiff eot ttf woff woff2 otf webm mp4 ogg mp3 m4a wav txt pdf rtf doc docx "
    "xls xlsx ppt pptx odt ods odp xml csv diff patch swf md textile vtt webvtt gltf glb".split()
)
# Libraries are code by definition; H5P core adds js and css for them, and real libraries ship svg icons.
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | frozenset({"js", "css", "svg"})

H5P_JSON = "h5p.json"
CONTENT_FOLDER = "content"
CONTENT_JSON = "content/content.json"
LIBRARY_JSON = "library.json"
EMBED_TYPES = frozenset({"div", "iframe"})

_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
# H5P core allows [\w.-]{1,255}; requiring a leading letter or underscore also rules out "." and "..", so a
# machine name is always safe as part of a path.
_MACHINE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,254}$")
_LANGUAGE = re.compile(r"^[-a-zA-Z]{1,10}$")
_VERSION = re.compile(r"^[0-9]{1,5}$")
_ZIP_ENCRYPTED = 0x1
# zipfile builds a ZipInfo for every central directory record before anything can be counted (about 500 bytes
# of memory per record), so the directory's size is capped first. Real packages average 80-110 bytes a record.
CENTRAL_RECORD_ALLOWANCE = 512
_END_OF_CENTRAL_DIRECTORY = struct.Struct("<4s4xHHII2x")
_ZIP64_LOCATOR = struct.Struct("<4sIQI")
_ZIP64_END = struct.Struct("<4sQ2H2I2Q2Q")
_SUPPORTED_COMPRESSION = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
# Errors zipfile and zlib raise on damaged or crafted archives.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
               NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class H5PLimits:
    """Caps on an uploaded package, all counted from real bytes."""

    max_upload_bytes: int
    max_entries: int
    max_file_bytes: int
    max_total_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> H5PLimits:
        return cls(
            max_upload_bytes=getattr(settings, "H5P_MAX_UPLOAD_BYTES", 50 * MiB),
            max_entries=getattr(settings, "H5P_MAX_ENTRIES", 5000),
            max_file_bytes=getattr(settings, "H5P_MAX_FILE_BYTES", 20 * MiB),
            max_total_bytes=getattr(settings, "H5P_MAX_TOTAL_BYTES", 200 * MiB),
            max_ratio=getattr(settings, "H5P_MAX_RATIO", 100),
        )


class H5PValidationError(ValidationError):
    """A package was refused: `rule` says which check failed, `file` which entry ("" for the whole package)."""

    def __init__(self, message: str, *, rule: str, file: str = "") -> None:
        super().__init__(message, code=rule)
        self.rule = rule
        self.file = file


@dataclass(frozen=True)
class LibraryInfo:
    """One library folder of a package, described by its library.json."""

    machine_name: str
    major: int
    minor: int
    patch: int
    folder: str
    title: str
    library_json: dict
    files: tuple[str, ...]


@dataclass(frozen=True)
class ValidatedPackage:
    """What a valid package holds; the extractor writes exactly these files and nothing else."""

    title: str
    language: str
    main_library: str
    main_major: int
    main_minor: int
    h5p_json: dict
    libraries: tuple[LibraryInfo, ...]
    content_files: tuple[str, ...]
    total_bytes: int
    sha256: str


@dataclass
class ReadBudget:
    """Bytes counted so far in one package, shared by every stream_entry() call so the total and whole-package
    ratio caps see all entries. upload_bytes is the real size of the .h5p file, the ratio's denominator."""

    upload_bytes: int
    total_bytes: int = 0


def _fail(rule: str, message: str, file: str = "") -> H5PValidationError:
    return H5PValidationError(message, rule=rule, file=file)


# ---------------------------------------------------------------------------------------------------------
# Entry names
# ---------------------------------------------------------------------------------------------------------

def safe_entry_name(name: str) -> str:
    """The name to write an entry under: posix, relative, without a leading "./" (directories keep their
    trailing "/"). Anything that could land outside the target folder, or mean different things on different
    systems, is refused rather than repaired, because a package that carries such names was not made by H5P."""
    if not name:
        raise _fail("empty_segment", gettext("An entry in the package has an empty name."))
    if name.startswith("/"):
        raise _fail("absolute_path", gettext("%(file)s: absolute paths are not allowed in an H5P package.")
                    % {"file": name}, name)
    if _DRIVE_LETTER.match(name):
        raise _fail("drive_letter", gettext("%(file)s: drive letters are not allowed in an H5P package.")
                    % {"file": name}, name)
    if "\\" in name:
        raise _fail("backslash", gettext("%(file)s: backslashes are not allowed in file names; use “/”.")
                    % {"file": name}, name)
    is_dir = name.endswith("/")
    segments = (name[:-1] if is_dir else name).split("/")
    while len(segments) > 1 and segments[0] == ".":
        segments.pop(0)
    for segment in segments:
        if segment in (".", ".."):
            raise _fail("dot_segment", gettext("%(file)s: “.” and “..” are not allowed in file paths.")
                        % {"file": name}, name)
        if not segment:
            raise _fail("empty_segment", gettext("%(file)s: empty folder names are not allowed in file paths.")
                        % {"file": name}, name)
    return "/".join(segments) + ("/" if is_dir else "")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _is_ignored(name: str) -> bool:
    """H5P core skips every file or folder whose name starts with "." or "_" (.DS_Store, __MACOSX/...); so do
    we: such entries are counted and read, but never listed for extraction."""
    return any(segment[:1] in (".", "_") for segment in name.split("/"))


def _extension(name: str) -> str:
    return posixpath.splitext(posixpath.basename(name))[1][1:].lower()


# ---------------------------------------------------------------------------------------------------------
# The upload and its entries
# ---------------------------------------------------------------------------------------------------------

def _measure_upload(fileobj: IO[bytes], limits: H5PLimits) -> tuple[int, str]:
    """Size and sha256 of the upload, read in chunks; stops as soon as the size cap is passed."""
    fileobj.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := fileobj.read(CHUNK_BYTES):
        size += len(chunk)
        if size > limits.max_upload_bytes:
            raise _fail("too_large", gettext("The package is larger than %(limit)s.")
                        % {"limit": filesizeformat(limits.max_upload_bytes)})
        digest.update(chunk)
    if size == 0:
        raise _fail("empty", gettext("The package is empty."))
    return size, digest.hexdigest()


def _central_directory(fileobj: IO[bytes], upload_bytes: int) -> tuple[int, int] | None:
    """(entry count, central directory size) as the end-of-central-directory record states them, found the
    way zipfile finds it; None if there is no such record (zipfile then refuses the file)."""
    tail_bytes = min(upload_bytes, _END_OF_CENTRAL_DIRECTORY.size + 0xFFFF)
    fileobj.seek(upload_bytes - tail_bytes)
    tail = fileobj.read(tail_bytes)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END_OF_CENTRAL_DIRECTORY.size:
        return None
    _signature, _entries_here, count, size, _offset = _END_OF_CENTRAL_DIRECTORY.unpack_from(tail, at)
    locator_at = at - _ZIP64_LOCATOR.size
    if locator_at >= 0 and tail[locator_at:locator_at + 4] == b"PK\x06\x07":
        # Like zipfile, read the zip64 record just before its locator, not where the locator says it is.
        record_at = upload_bytes - tail_bytes + locator_at - _ZIP64_END.size
        if record_at < 0:
            return count, size
        fileobj.seek(record_at)
        record = fileobj.read(_ZIP64_END.size)
        if len(record) == _ZIP64_END.size and record[:4] == b"PK\x06\x06":
            fields = _ZIP64_END.unpack(record)
            count, size = fields[7], fields[8]
    return count, size


def _check_entry_count(fileobj: IO[bytes], upload_bytes: int, limits: H5PLimits) -> None:
    """Refuse too many entries before zipfile reads the central directory into memory. The stated count can
    lie, but zipfile reads records until it has consumed the stated directory size, so that size is capped
    too; the exact count is checked again once zipfile has parsed the directory."""
    directory = _central_directory(fileobj, upload_bytes)
    if directory is None:
        return
    count, size = directory
    if count > limits.max_entries:
        raise _too_many_entries(count, limits)
    if size > limits.max_entries * CENTRAL_RECORD_ALLOWANCE:
        raise _fail("too_many_entries", gettext("The package's list of files is larger than %(limit)d files "
                                                "would need.") % {"limit": limits.max_entries})


def _too_many_entries(count: int, limits: H5PLimits) -> H5PValidationError:
    return _fail("too_many_entries", gettext("The package has %(count)d files; at most %(limit)d are allowed.")
                 % {"count": count, "limit": limits.max_entries})


def _open_zip(fileobj: IO[bytes]) -> zipfile.ZipFile:
    fileobj.seek(0)
    try:
        return zipfile.ZipFile(fileobj)
    except _ZIP_ERRORS as exc:
        raise _fail("zip", gettext("The package is not a valid zip file.")) from exc


def _file_entries(zf: zipfile.ZipFile, limits: H5PLimits) -> list[tuple[str, zipfile.ZipInfo]]:
    """(safe name, info) of every file entry, after the checks that need only the central directory."""
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise _too_many_entries(len(infos), limits)
    files: list[tuple[str, zipfile.ZipInfo]] = []
    seen: dict[str, str] = {}
    for info in infos:
        name = safe_entry_name(info.filename)
        if _is_symlink(info):
            raise _fail("symlink", gettext("%(file)s: symbolic links are not allowed in an H5P package.")
                        % {"file": name}, name)
        if name.endswith("/"):
            continue
        _check_readable(info, name)
        # Compared case-insensitively: two names that differ only in case overwrite each other on macOS and
        # Windows file systems.
        key = name.casefold()
        if key in seen:
            raise _fail("duplicate", gettext("%(file)s appears more than once in the package.")
                        % {"file": name}, name)
        seen[key] = name
        files.append((name, info))
    _check_file_folder_clashes(files, seen)
    return files


def _check_readable(info: zipfile.ZipInfo, name: str) -> None:
    if info.flag_bits & _ZIP_ENCRYPTED:
        raise _fail("zip", gettext("%(file)s is encrypted; H5P packages cannot contain encrypted files.")
                    % {"file": name}, name)
    # zipfile decompresses bzip2 and lzma without an output limit per read, so a few kilobytes could expand
    # to gigabytes in memory before any cap is checked; H5P tools only ever store or deflate.
    if info.compress_type not in _SUPPORTED_COMPRESSION:
        raise _fail("zip", gettext("%(file)s uses a compression method H5P packages do not use.")
                    % {"file": name}, name)


def _check_file_folder_clashes(files: list[tuple[str, zipfile.ZipInfo]], seen: dict[str, str]) -> None:
    """A name used both as a file and as a folder ("a.json" and "a.json/b.json") cannot be extracted."""
    for name, _info in files:
        parts = name.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder.casefold() in seen:
                raise _fail("duplicate", gettext("%(file)s is both a file and a folder in the package.")
                            % {"file": folder}, folder)


# ---------------------------------------------------------------------------------------------------------
# Streaming with caps
# ---------------------------------------------------------------------------------------------------------

def stream_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: H5PLimits,
                 budget: ReadBudget) -> Iterator[bytes]:
    """Yield an entry's decompressed bytes in chunks, enforcing the size and ratio caps on the bytes zlib
    really produced. Raises H5PValidationError mid-stream, so a bomb is stopped after about one chunk over
    the cap. Also refuses an entry whose real size differs from its header, so that anything else reading
    the archive with zipfile (which stops at the header's size) sees exactly what was validated."""
    name = safe_entry_name(info.filename)
    _check_readable(info, name)
    # zipfile stops reading after ZipInfo.file_size bytes, so a header that understates the size would hide
    # the rest from our count; read through a copy whose declared size does not limit anything.
    unbounded = copy.copy(info)
    unbounded.file_size = sys.maxsize
    produced = 0
    try:
        with zf.open(unbounded) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                produced += len(chunk)
                budget.total_bytes += len(chunk)
                _check_caps(name, info, produced, limits, budget)
                yield chunk
    except _ZIP_ERRORS as exc:
        raise _fail("zip", gettext("%(file)s is damaged: %(reason)s") % {"file": name, "reason": exc},
                    name) from exc
    if produced != info.file_size:
        raise _fail("zip", gettext("%(file)s: the size recorded in the package does not match its contents.")
                    % {"file": name}, name)


def _check_caps(name: str, info: zipfile.ZipInfo, produced: int, limits: H5PLimits, budget: ReadBudget) -> None:
    if produced > limits.max_file_bytes:
        raise _fail("file_too_large", gettext("%(file)s is larger than %(limit)s once unpacked.")
                    % {"file": name, "limit": filesizeformat(limits.max_file_bytes)}, name)
    if budget.total_bytes > limits.max_total_bytes:
        raise _fail("total_too_large", gettext("The package is larger than %(limit)s once unpacked (at %(file)s).")
                    % {"file": name, "limit": filesizeformat(limits.max_total_bytes)}, name)
    # The header's compressed size could be inflated to hide a high ratio; it can never honestly exceed the
    # upload, and the whole-package ratio below uses only the real upload size.
    compressed = max(1, min(info.compress_size, budget.upload_bytes))
    if produced > RATIO_FLOOR_BYTES and produced / compressed > limits.max_ratio:
        raise _fail("ratio", gettext("%(file)s expands more than %(ratio)d times when unpacked; "
                                     "it looks like a zip bomb.") % {"file": name, "ratio": limits.max_ratio}, name)
    if budget.total_bytes > RATIO_FLOOR_BYTES and budget.total_bytes / budget.upload_bytes > limits.max_ratio:
        raise _fail("ratio", gettext("The package expands more than %(ratio)d times when unpacked; "
                                     "it looks like a zip bomb.") % {"ratio": limits.max_ratio})


def _read_all(zf: zipfile.ZipFile, files: list[tuple[str, zipfile.ZipInfo]], keep: set[str], limits: H5PLimits,
              budget: ReadBudget) -> dict[str, bytes]:
    """Stream every file (so every cap and CRC is checked) and keep only the metadata files named in keep."""
    kept: dict[str, bytes] = {}
    for name, info in files:
        chunks = stream_entry(zf, info, limits, budget)
        if name in keep:
            kept[name] = b"".join(chunks)
        else:
            for _chunk in chunks:
                pass
    return kept


# ---------------------------------------------------------------------------------------------------------
# Package layout
# ---------------------------------------------------------------------------------------------------------

@dataclass
class _Layout:
    """Which file is what, decided from names alone."""

    content_files: list[str]
    library_files: dict[str, list[str]]
    has_h5p_json: bool


def _layout(files: list[tuple[str, zipfile.ZipInfo]]) -> _Layout:
    layout = _Layout(content_files=[], library_files={}, has_h5p_json=False)
    for name, _info in files:
        if _is_ignored(name):
            continue
        if name == H5P_JSON:
            layout.has_h5p_json = True
            continue
        folder, _, _rest = name.partition("/")
        if not _rest:
            _check_extension(name, CONTENT_EXTENSIONS, gettext("H5P packages"))  # stray root files: unused
        elif folder == CONTENT_FOLDER:
            _check_extension(name, CONTENT_EXTENSIONS, gettext("H5P content"))
            layout.content_files.append(name)
        else:
            _check_extension(name, LIBRARY_EXTENSIONS, gettext("H5P libraries"))
            layout.library_files.setdefault(folder, []).append(name)
    if not layout.has_h5p_json:
        raise _fail("h5p_json_missing", gettext("The package has no h5p.json at its top level."), H5P_JSON)
    if CONTENT_JSON not in layout.content_files:
        raise _fail("content_json_invalid", gettext("The package has no content/content.json."), CONTENT_JSON)
    return layout


def _check_extension(name: str, allowed: frozenset[str], where: str) -> None:
    extension = _extension(name)
    if not extension:
        raise _fail("extension", gettext("%(file)s: files without an extension are not allowed in H5P packages.")
                    % {"file": name}, name)
    if extension not in allowed:
        raise _fail("extension", gettext("%(file)s: files of type .%(extension)s are not allowed in %(where)s.")
                    % {"file": name, "extension": extension, "where": where}, name)


# ---------------------------------------------------------------------------------------------------------
# JSON metadata
# ---------------------------------------------------------------------------------------------------------

def _refuse_constant(value: str) -> Any:
    raise ValueError(value)


def _json_object(data: bytes, file: str, rule: str) -> dict:
    """Parse a JSON object. NaN and Infinity are refused: browsers' JSON.parse would reject them later."""
    try:
        value = json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _fail(rule, gettext("%(file)s is not valid JSON.") % {"file": file}, file) from exc
    if not isinstance(value, dict):
        raise _fail(rule, gettext("%(file)s must hold a JSON object.") % {"file": file}, file)
    return value


def _version(value: Any) -> int | None:
    """Versions are ints in library.json but often digit strings in h5p.json; accept both."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 <= value <= 99999:
        return value
    if isinstance(value, str) and _VERSION.match(value):
        return int(value)
    return None


def _title(value: Any) -> str | None:
    if isinstance(value, str) and value.strip() and len(value) <= 255:
        return value
    return None


def _dependencies(value: Any) -> list[tuple[str, int, int]] | None:
    """[(machine name, major, minor)] from a preloadedDependencies list, or None if any item is malformed."""
    if not isinstance(value, list):
        return None
    result = []
    for item in value:
        if not isinstance(item, dict):
            return None
        machine_name = item.get("machineName")
        major, minor = _version(item.get("majorVersion")), _version(item.get("minorVersion"))
        if not isinstance(machine_name, str) or not _MACHINE_NAME.match(machine_name) or major is None \
                or minor is None:
            return None
        result.append((machine_name, major, minor))
    return result


def _folder_name(machine_name: str, major: int, minor: int) -> str:
    return f"{machine_name}-{major}.{minor}"


def _invalid_h5p_field(field: str) -> H5PValidationError:
    reasons = {
        "title": gettext("must be a non-empty text of at most 255 characters"),
        "language": gettext("must be a language code such as “en” or “und”"),
        "mainLibrary": gettext("must be a library machine name such as “H5P.TrueFalse”"),
        "preloadedDependencies": gettext("must be a non-empty list of libraries, each with machineName, "
                                         "majorVersion and minorVersion"),
        "embedTypes": gettext("must be a non-empty list of “div” and/or “iframe”"),
    }
    return _fail("h5p_json_invalid", gettext("h5p.json: “%(field)s” %(reason)s.")
                 % {"field": field, "reason": reasons[field]}, H5P_JSON)


@dataclass(frozen=True)
class _H5PJson:
    data: dict
    title: str
    language: str
    main_library: str
    main_major: int
    main_minor: int
    dependencies: list[tuple[str, int, int]]


def _parse_h5p_json(raw: bytes) -> _H5PJson:
    data = _json_object(raw, H5P_JSON, "h5p_json_invalid")
    title = _title(data.get("title"))
    if title is None:
        raise _invalid_h5p_field("title")
    language = data.get("language")
    if not isinstance(language, str) or not _LANGUAGE.match(language):
        raise _invalid_h5p_field("language")
    main_library = data.get("mainLibrary")
    if not isinstance(main_library, str) or not _MACHINE_NAME.match(main_library):
        raise _invalid_h5p_field("mainLibrary")
    dependencies = _dependencies(data.get("preloadedDependencies"))
    if not dependencies:
        raise _invalid_h5p_field("preloadedDependencies")
    embed_types = data.get("embedTypes")
    if not isinstance(embed_types, list) or not embed_types or not all(
            isinstance(kind, str) and kind in EMBED_TYPES for kind in embed_types):
        raise _invalid_h5p_field("embedTypes")
    main = next((dep for dep in dependencies if dep[0] == main_library), None)
    if main is None:
        raise _fail("h5p_json_invalid", gettext("h5p.json: the main library %(library)s is not listed in "
                                                "“preloadedDependencies”.") % {"library": main_library}, H5P_JSON)
    return _H5PJson(data=data, title=title, language=language, main_library=main_library,
                    main_major=main[1], main_minor=main[2], dependencies=dependencies)


def _parse_library(folder: str, files: list[str], raw: bytes | None) -> tuple[LibraryInfo, list[tuple[str, int, int]]]:
    """A library folder's description and its preloaded dependencies (editor dependencies are not needed to
    play content, and exported packages often leave them out)."""
    file = f"{folder}/{LIBRARY_JSON}"
    if raw is None:
        raise _fail("library_json_invalid", gettext("%(file)s is missing; every folder other than “content” must "
                                                    "be an H5P library.") % {"file": file}, file)
    data = _json_object(raw, file, "library_json_invalid")
    machine_name = data.get("machineName")
    versions = [_version(data.get(key)) for key in ("majorVersion", "minorVersion", "patchVersion")]
    title = _title(data.get("title"))
    for key, ok in (("machineName", isinstance(machine_name, str) and _MACHINE_NAME.match(machine_name)),
                    ("majorVersion", versions[0] is not None), ("minorVersion", versions[1] is not None),
                    ("patchVersion", versions[2] is not None), ("title", title is not None)):
        if not ok:
            raise _fail("library_json_invalid", gettext("%(file)s: “%(field)s” is missing or invalid.")
                        % {"file": file, "field": key}, file)
    major, minor, patch = versions
    expected = _folder_name(machine_name, major, minor)
    if folder != expected:
        raise _fail("library_json_invalid", gettext("%(file)s: the folder should be named %(expected)s to match "
                                                    "its machine name and version.")
                    % {"file": file, "expected": expected}, file)
    dependencies = _dependencies(data.get("preloadedDependencies", []))
    if dependencies is None:
        raise _fail("library_json_invalid", gettext("%(file)s: “%(field)s” is missing or invalid.")
                    % {"file": file, "field": "preloadedDependencies"}, file)
    info = LibraryInfo(machine_name=machine_name, major=major, minor=minor, patch=patch, folder=folder,
                       title=title, library_json=data, files=tuple(files))
    return info, dependencies


def _check_dependencies(needed_by: str, dependencies: list[tuple[str, int, int]], folders: set[str]) -> None:
    """Packages must be self-contained: this site never fetches libraries from the H5P Hub."""
    for machine_name, major, minor in dependencies:
        folder = _folder_name(machine_name, major, minor)
        if folder not in folders:
            raise _fail("library_missing", gettext("%(file)s needs the library %(library)s, which is not in the "
                                                   "package.") % {"file": needed_by, "library": folder}, needed_by)


# ---------------------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------------------

def validate_package(fileobj: IO[bytes], *, limits: H5PLimits | None = None) -> ValidatedPackage:
    """Check an uploaded .h5p file and describe it. Reads fileobj (from its start, whatever its position),
    writes nothing, raises H5PValidationError on the first failure and leaves fileobj at position 0."""
    limits = limits or H5PLimits.from_settings()
    try:
        upload_bytes, sha256 = _measure_upload(fileobj, limits)
        _check_entry_count(fileobj, upload_bytes, limits)
        with _open_zip(fileobj) as zf:
            files = _file_entries(zf, limits)
            layout = _layout(files)
            keep = {H5P_JSON, CONTENT_JSON} | {f"{folder}/{LIBRARY_JSON}" for folder in layout.library_files}
            budget = ReadBudget(upload_bytes=upload_bytes)
            metadata = _read_all(zf, files, keep, limits, budget)
        return _describe(layout, metadata, budget, sha256)
    finally:
        fileobj.seek(0)


def _describe(layout: _Layout, metadata: dict[str, bytes], budget: ReadBudget, sha256: str) -> ValidatedPackage:
    h5p = _parse_h5p_json(metadata[H5P_JSON])
    _json_object(metadata[CONTENT_JSON], CONTENT_JSON, "content_json_invalid")
    libraries = []
    library_dependencies = []
    for folder, files in layout.library_files.items():
        library, dependencies = _parse_library(folder, files, metadata.get(f"{folder}/{LIBRARY_JSON}"))
        libraries.append(library)
        library_dependencies.append((f"{folder}/{LIBRARY_JSON}", dependencies))
    folders = set(layout.library_files)
    _check_dependencies(H5P_JSON, h5p.dependencies, folders)
    for needed_by, dependencies in library_dependencies:
        _check_dependencies(needed_by, dependencies, folders)
    return ValidatedPackage(
        title=h5p.title, language=h5p.language, main_library=h5p.main_library, main_major=h5p.main_major,
        main_minor=h5p.main_minor, h5p_json=h5p.data, libraries=tuple(libraries),
        content_files=tuple(layout.content_files), total_bytes=budget.total_bytes, sha256=sha256,
    )
