"""Test storage: local folders by default; a real S3 API (moto's server, started by the test session) when
S3_TEST_SERVER=1 (`make test-s3`) or for the tests of tests/storage/.

With S3_TEST_SERVER=1 the session starts the server, creates the bucket, exports the same S3 variables production
reads (so worker and command subprocesses use the bucket too) and points settings.STORAGES at it; fixtures that
give each test its own storage then give it its own key prefix in that bucket instead of its own folder.
"""

import contextlib
import os
import socket
import uuid

BUCKET = "campus-test"
REGION = "us-east-1"
# moto accepts any credentials; these only have to be set so boto3 signs requests.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}  # noqa: S105


def s3_requested() -> bool:
    return os.environ.get("S3_TEST_SERVER", "") not in ("", "0")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class S3TestServer:
    """moto's S3 in server mode on a free local port: a real HTTP S3 API. It runs in its own process (`python -m
    moto.server`), so uploads from the test's threads do not wait on the server's share of this interpreter."""

    def __init__(self):
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._process = None

    def start(self) -> "S3TestServer":
        import subprocess
        import sys
        import time

        self._process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"moto's S3 server did not start on port {self.port}") from None
                time.sleep(0.1)
        self.client().create_bucket(Bucket=BUCKET)
        return self

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)

    def environment(self) -> dict[str, str]:
        """The variables elearn/settings/storage.py reads, pointing at this server."""
        return {"AWS_STORAGE_BUCKET_NAME": BUCKET, "S3_ENDPOINT_URL": self.endpoint, "AWS_S3_REGION_NAME": REGION,
                **CREDENTIALS}

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"])

    def storages(self) -> dict:
        """settings.STORAGES as production builds it from this server's variables."""
        import environ
        from django.conf import settings

        from elearn.settings.storage import build_storages

        with _environment(self.environment()):
            return build_storages(environ.Env(), certificates_root="",
                                  staticfiles_backend=settings.STORAGES["staticfiles"]["BACKEND"])

    def media_origin(self) -> str:
        import environ

        from elearn.settings.storage import media_origin

        with _environment(self.environment()):
            return media_origin(environ.Env())


@contextlib.contextmanager
def _environment(values: dict[str, str]):
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def s3_settings(server: S3TestServer):
    """settings.STORAGES (and the variables subprocesses read) pointing at the server while the block runs."""
    from django.test import override_settings

    with _environment(server.environment()), override_settings(STORAGES=server.storages(),
                                                               MEDIA_ORIGIN=server.media_origin()):
        yield


@contextlib.contextmanager
def s3_session():
    """The session's S3 server when S3_TEST_SERVER is set (settings point at it until the session ends), else
    None."""
    if not s3_requested():
        yield None
        return
    server = S3TestServer().start()
    try:
        with s3_settings(server):
            yield server
    finally:
        server.stop()


def on_s3() -> bool:
    """Whether settings.STORAGES currently stores files in S3."""
    from django.conf import settings

    return settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"


def own_prefix(settings, alias: str) -> None:
    """Give the test its own key prefix for the S3 storage `alias` (the pytest-django settings fixture undoes it)."""
    config = settings.STORAGES[alias]
    settings.STORAGES = {**settings.STORAGES, alias: {**config, "OPTIONS": {
        **config["OPTIONS"], "location": f"tests/{uuid.uuid4().hex}/{config['OPTIONS']['location']}"}}}


def stored_files(alias: str, prefix: str = "") -> set[str]:
    """Every file in storage `alias` below `prefix`, as names relative to it (folders are not files on S3)."""
    from django.core.files.storage import storages

    from h5p.storage import walk

    return set(walk(prefix, storages[alias]))
