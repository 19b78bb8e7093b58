"""Where extracted H5P files live, and writing them there safely.

Layout under settings.H5P_ROOT (outside MEDIA_ROOT, so nothing is served without the h5p views' checks):
    content/<storage key>/h5p.json, content/<storage key>/content/...   one folder per package
    libraries/<Machine.Name-major.minor>/...                          shared by every package using the library
    .staging/<random>/                                                 extraction in progress, never served
"""

import shutil
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from h5p.validation import H5PLimits, H5PValidationError, safe_entry_name

CHUNK = 64 * 1024


def h5p_root() -> Path:
    return Path(settings.H5P_ROOT)


def content_dir(storage_key) -> Path:
    return h5p_root() / "content" / str(storage_key)


def library_dir(folder: str) -> Path:
    return h5p_root() / "libraries" / folder


def staging_dir() -> Path:
    path = h5p_root() / ".staging" / uuid.uuid4().hex
    path.mkdir(parents=True)
    return path


def within(base: Path, relative: str) -> Path | None:
    """`base/relative` when it stays inside `base` (no '..', no absolute part, no symlink escape), else None."""
    base = base.resolve()
    target = (base / relative).resolve()
    return target if target.is_relative_to(base) and target != base else None


def extract_entries(fileobj, names: Iterable[str], destination: Path, *, strip: str = "",
                    limits: H5PLimits | None = None) -> int:
    """Write the named zip entries under `destination` (minus the `strip` prefix); return the bytes written.

    Names were validated already; each is normalised again and sizes are counted again while writing, so a file
    swapped between validation and extraction still cannot escape the folder or exceed the caps.
    """
    limits = limits or H5PLimits.from_settings()
    wanted = set(names)
    total = 0
    fileobj.seek(0)
    with zipfile.ZipFile(fileobj) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = safe_entry_name(info.filename)  # validation lists names in this normalised form
            if name not in wanted:
                continue
            relative = name[len(strip):] if strip and name.startswith(strip) else name
            target = within(destination, relative)
            if target is None:
                raise H5PValidationError(_("%(file)s: outside the package folder.") % {"file": name},
                                         rule="dot_segment", file=name)
            target.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with archive.open(info) as source, open(target, "wb") as out:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    total += len(chunk)
                    if written > limits.max_file_bytes or total > limits.max_total_bytes:
                        raise H5PValidationError(_("%(file)s: larger than allowed.") % {"file": name},
                                                 rule="file_too_large", file=name)
                    out.write(chunk)
    fileobj.seek(0)
    return total


def replace_dir(source: Path, target: Path) -> None:
    """Move `source` into place at `target`, replacing any previous folder with as short a gap as possible."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex}")
        target.rename(old)
    source.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
