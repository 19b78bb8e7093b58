"""Where extracted H5P files live, and writing them there safely.

Files are kept in the "h5p" storage (settings.STORAGES: a folder under settings.H5P_ROOT, or the private h5p/
prefix of the S3 bucket), never under MEDIA_ROOT, so nothing is served without the h5p views' checks:
    content/<storage key>/h5p.json, content/<storage key>/content/...   one folder per package
    libraries/<Machine.Name-major.minor>/...                          shared by every package using the library

A package is extracted into a local temporary folder first (validated names, sizes counted again), then its files
are uploaded; the temporary folder is removed whatever happens, so no web or worker container keeps H5P files.
"""

import mimetypes
import posixpath
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from h5p.validation import H5PLimits, H5PValidationError, safe_entry_name

CHUNK = 64 * 1024
# Uploads run in parallel: a package brings hundreds of small library files, each one request to object storage.
UPLOAD_THREADS = 8


class H5PFileSystemStorage(FileSystemStorage):
    """The local "h5p" storage: settings.H5P_ROOT (read when first used and again when the setting changes), with
    exact names (a newer library patch overwrites its files) and no public address."""

    def __init__(self, **kwargs):
        super().__init__(**{"allow_overwrite": True, "base_url": "/h5p-not-served/", **kwargs})

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.H5P_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "H5P_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def h5p_storage() -> Storage:
    return storages["h5p"]


def content_prefix(storage_key) -> str:
    return f"content/{storage_key}"


def library_prefix(folder: str) -> str:
    return f"libraries/{folder}"


def staging_dir() -> Path:
    """A fresh local temporary folder for one extraction (the caller removes it)."""
    return Path(tempfile.mkdtemp(prefix="h5p-staging-"))


def within(prefix: str, relative: str) -> str | None:
    """The storage name `prefix/relative` when it stays inside `prefix` (no '..', no absolute or empty part, no
    backslash or NUL), else None."""
    if not relative or "\\" in relative or "\x00" in relative or relative.startswith("/"):
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    name = posixpath.join(prefix, *parts)
    return name if name.startswith(prefix.rstrip("/") + "/") else None


def _local_within(base: Path, relative: str) -> Path | None:
    """`base/relative` on the local disk when it stays inside `base` (no symlink escape either), else None."""
    base = base.resolve()
    target = (base / relative).resolve()
    return target if target.is_relative_to(base) and target != base else None


def extract_entries(fileobj, names: Iterable[str], destination: Path, *, strip: str = "",
                    limits: H5PLimits | None = None) -> int:
    """Write the named zip entries under the local folder `destination` (minus the `strip` prefix); return the bytes
    written.

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
            target = _local_within(destination, relative)
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


def walk(prefix: str, storage: Storage | None = None) -> Iterator[str]:
    """Every file stored below `prefix`, as names relative to it (depth first)."""
    storage = storage or h5p_storage()
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            folders, files = storage.listdir(posixpath.join(prefix, folder) if folder else prefix)
        except FileNotFoundError:
            continue
        yield from (posixpath.join(folder, name) if folder else name for name in files)
        pending.extend(posixpath.join(folder, name) if folder else name for name in folders)


def _s3_object(storage: Storage, name: str, *, client=None):
    """(client, bucket, key) when `storage` is django-storages' S3 backend, else None. The player reads dozens of
    small files per activity and an import writes hundreds: one S3 request each, where the storage API makes two
    (a HEAD before every read, a transfer manager around every write). `client`: one made already (boto3 clients
    may be shared between threads; its sessions and resources may not, and each takes long to build)."""
    try:
        from storages.backends.s3 import S3Storage
        from storages.utils import clean_name, safe_join
    except ImportError:  # django-storages is only needed when a bucket is configured
        return None
    if not isinstance(storage, S3Storage):
        return None
    return (client or storage.connection.meta.client, storage.bucket_name,
            safe_join(storage.location, clean_name(name)))


def open_stored(name: str) -> tuple:
    """(readable file object, size in bytes) of a stored file; FileNotFoundError when there is none (or it is a
    folder)."""
    storage = h5p_storage()
    s3 = _s3_object(storage, name)
    if s3 is None:
        handle = storage.open(name, "rb")
        return handle, handle.size
    client, bucket, key = s3
    try:
        answer = client.get_object(Bucket=bucket, Key=key)
    except client.exceptions.NoSuchKey:
        raise FileNotFoundError(name) from None
    return answer["Body"], answer["ContentLength"]


def _put(storage: Storage, name: str, path: Path, s3_client=None) -> None:
    s3 = _s3_object(storage, name, client=s3_client)
    if s3 is not None:
        client, bucket, key = s3
        with open(path, "rb") as handle:
            client.put_object(Bucket=bucket, Key=key, Body=handle,
                              ContentType=mimetypes.guess_type(name)[0] or "application/octet-stream")
        return
    with open(path, "rb") as handle:
        saved = storage.save(name, File(handle, name=path.name))
    if saved != name:  # a storage that renames instead of overwriting would leave the player reading old files
        storage.delete(saved)
        raise ImproperlyConfigured(f'STORAGES["h5p"] must overwrite files (it stored {name} as {saved}).')


def replace_dir(source: Path, prefix: str) -> None:
    """Upload the local folder `source` to `prefix` in the storage; files a previous version had there and this one
    has not are removed afterwards, so readers never meet a half-deleted folder."""
    storage = h5p_storage()
    files = sorted(path.relative_to(source).as_posix() for path in source.rglob("*") if path.is_file())
    s3 = _s3_object(storage, prefix)
    client = s3[0] if s3 else None  # built here, once, and shared by the upload threads
    with ThreadPoolExecutor(max_workers=UPLOAD_THREADS) as pool:
        list(pool.map(lambda relative: _put(storage, posixpath.join(prefix, relative), source / relative, client),
                      files))
    for stale in set(walk(prefix, storage)) - set(files):
        storage.delete(posixpath.join(prefix, stale))


def exists(prefix: str) -> bool:
    """Whether anything is stored under `prefix`."""
    return next(walk(prefix), None) is not None


def remove(prefix: str) -> None:
    """Delete every file stored under `prefix` (nothing happens when there is none)."""
    storage = h5p_storage()
    for name in list(walk(prefix, storage)):
        storage.delete(posixpath.join(prefix, name))
    if isinstance(storage, FileSystemStorage):  # leave no empty folders behind on a local disk
        shutil.rmtree(storage.path(prefix), ignore_errors=True)


def remove_local(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
