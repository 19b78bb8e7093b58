"""Build .h5p packages in memory for tests: a minimal valid one that plays in a browser, and hand-made zips.

The library H5P.Test 1.0 is a tiny working content type: it shows params.question with two buttons, "Sí" and
"No", and on a click emits an xAPI "answered" statement scored 1 if the answer matches params.correct.
"""

from __future__ import annotations

import copy
import io
import json
import stat
import struct
import warnings
import zipfile
from collections.abc import Iterable, Mapping

TEST_LIBRARY_FOLDER = "H5P.Test-1.0"

TEST_JS = """\
var H5P = H5P || {};

/**
 * H5P.Test: a yes/no question. params: {question: string, correct: boolean}.
 */
H5P.Test = function (params, contentId) {
  var self = this;
  H5P.EventDispatcher.call(self);
  self.params = params || {};
  self.contentId = contentId;
  self.score = 0;
  self.answered = false;
};

H5P.Test.prototype = Object.create(H5P.EventDispatcher.prototype);
H5P.Test.prototype.constructor = H5P.Test;

H5P.Test.prototype.getScore = function () {
  return this.score;
};

H5P.Test.prototype.getMaxScore = function () {
  return 1;
};

H5P.Test.prototype.attach = function ($container) {
  var self = this;
  var $ = H5P.jQuery;
  $container.addClass('h5p-test');
  $('<p class="h5p-test-question"></p>').text(self.params.question || '').appendTo($container);
  var $buttons = $('<div class="h5p-test-buttons"></div>').appendTo($container);
  var $result = $('<p class="h5p-test-result" aria-live="polite"></p>').appendTo($container);

  function answer(value) {
    if (self.answered) {
      return;
    }
    self.answered = true;
    self.score = (value === Boolean(self.params.correct)) ? 1 : 0;
    $buttons.find('button').prop('disabled', true);
    $result.text(self.score === 1 ? '✓' : '✗');
    var event = self.createXAPIEventTemplate('answered');
    event.setScoredResult(self.score, 1, self, true, self.score === 1);
    self.trigger(event);
  }

  $('<button type="button" class="h5p-test-yes"></button>').text('Sí')
    .on('click', function () { answer(true); }).appendTo($buttons);
  $('<button type="button" class="h5p-test-no"></button>').text('No')
    .on('click', function () { answer(false); }).appendTo($buttons);
};
"""

TEST_CSS = """\
.h5p-test { padding: 1em; font-size: 1rem; }
.h5p-test-buttons button { margin-right: 0.5em; padding: 0.4em 1.2em; cursor: pointer; }
.h5p-test-result { font-weight: bold; min-height: 1.5em; }
"""

H5P_JSON = {
    "title": "Prueba",
    "language": "es",
    "mainLibrary": "H5P.Test",
    "embedTypes": ["div"],
    "preloadedDependencies": [{"machineName": "H5P.Test", "majorVersion": 1, "minorVersion": 0}],
}

CONTENT_JSON = {"question": "¿Madrid es la capital de España?", "correct": True}

LIBRARY_JSON = {
    "title": "Test",
    "machineName": "H5P.Test",
    "majorVersion": 1,
    "minorVersion": 0,
    "patchVersion": 0,
    "runnable": 1,
    "preloadedJs": [{"path": "scripts/test.js"}],
    "preloadedCss": [{"path": "styles/test.css"}],
}

Entries = Mapping[str, bytes] | Iterable[tuple[str, bytes]]


def default_h5p_json() -> dict:
    """A fresh copy of the valid h5p.json, for tests that change one field."""
    return copy.deepcopy(H5P_JSON)


def default_library_json() -> dict:
    return copy.deepcopy(LIBRARY_JSON)


def library_files(library_json: dict | bytes | None = None) -> dict[str, bytes]:
    """The H5P.Test-1.0 folder's files, names relative to the folder."""
    return {
        "library.json": _as_bytes(LIBRARY_JSON if library_json is None else library_json),
        "scripts/test.js": TEST_JS.encode(),
        "styles/test.css": TEST_CSS.encode(),
    }


def _as_bytes(value: dict | list | str | bytes) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value, ensure_ascii=False).encode()


def zip_bytes(entries: Entries, *, symlinks: Iterable[str] = (), compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of (name, data) pairs written as given, even names zipfile would warn about or that repeat.
    Names in symlinks are marked as Unix symbolic links (their data is the link target)."""
    symlinks = set(symlinks)
    pairs = entries.items() if isinstance(entries, Mapping) else entries
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": some tests want exactly that
        with zipfile.ZipFile(buffer, "w", compression=compression) as zf:
            for name, data in pairs:
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                info.compress_type = compression
                info.create_system = 3  # Unix, so external_attr carries a file mode
                mode = stat.S_IFLNK | 0o777 if name in symlinks else stat.S_IFREG | 0o644
                if name.endswith("/"):
                    mode = stat.S_IFDIR | 0o755
                info.external_attr = mode << 16
                zf.writestr(info, data)
    return buffer.getvalue()


def build_package(
    *,
    h5p_json: dict | bytes | None = None,
    content: dict | bytes | None = None,
    libraries: Mapping[str, Mapping[str, bytes]] | None = None,
    extra_entries: Entries = (),
    omit: Iterable[str] = (),
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A valid H5P.Test package, with any part replaced. libraries maps a folder name to its files (names
    relative to the folder) and replaces the default H5P.Test-1.0 folder; extra_entries are added last;
    names in omit are left out."""
    omit = set(omit)
    if libraries is None:
        libraries = {TEST_LIBRARY_FOLDER: library_files()}
    entries: list[tuple[str, bytes]] = [
        ("h5p.json", _as_bytes(H5P_JSON if h5p_json is None else h5p_json)),
        ("content/content.json", _as_bytes(CONTENT_JSON if content is None else content)),
    ]
    for folder, files in libraries.items():
        entries.extend((f"{folder}/{name}", data) for name, data in files.items())
    extra = extra_entries.items() if isinstance(extra_entries, Mapping) else extra_entries
    entries.extend(extra)
    return zip_bytes([(name, data) for name, data in entries if name not in omit], compression=compression)


def with_declared_size(package: bytes, name: str, file_size: int) -> bytes:
    """The package with entry `name`'s uncompressed size rewritten in both its local and central headers:
    a zip whose headers lie about how much data an entry holds."""
    data = bytearray(package)
    end = data.rfind(b"PK\x05\x06")
    count, _size, offset = struct.unpack_from("<HII", data, end + 10)
    for _ in range(count):
        assert data[offset:offset + 4] == b"PK\x01\x02"
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, offset + 28)
        local = struct.unpack_from("<I", data, offset + 42)[0]
        if data[offset + 46:offset + 46 + name_len].decode() == name:
            struct.pack_into("<I", data, offset + 24, file_size)
            assert data[local:local + 4] == b"PK\x03\x04"
            struct.pack_into("<I", data, local + 22, file_size)
            return bytes(data)
        offset += 46 + name_len + extra_len + comment_len
    raise KeyError(name)
