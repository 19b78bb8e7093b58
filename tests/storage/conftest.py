"""Every test here stores files in a real S3 API: the session's moto server (S3_TEST_SERVER=1) or this package's."""

import pytest

from tests.certificates.conftest import certificate, certificate_template, completed, course  # noqa: F401
from tests.courses.conftest import catalog  # noqa: F401
from tests.storage_backends import S3TestServer, own_prefix

ALIASES = ("default", "certificates", "h5p")


@pytest.fixture(scope="package")
def s3_server(s3_test_server):
    """The session's server under S3_TEST_SERVER=1, else one for these tests."""
    if s3_test_server is not None:
        yield s3_test_server
        return
    server = S3TestServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def s3(s3_server, settings, monkeypatch):
    """Every store in the bucket, as production configures it from the environment, under this test's own prefix."""
    for name, value in s3_server.environment().items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = s3_server.storages()
    settings.MEDIA_ORIGIN = s3_server.media_origin()
    for alias in ALIASES:
        own_prefix(settings, alias)
    return s3_server
