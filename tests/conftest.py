"""Shared fixtures: users in each platform role."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def learner(db):
    return UserFactory(role="Learner", country="GT")


@pytest.fixture
def trainer(db):
    return UserFactory(role="Trainer", country="CR")


@pytest.fixture
def focal_point_mx(db):
    return UserFactory(role="Country focal point", country="MX", focal_point_country="MX")


@pytest.fixture
def secretariat(db):
    return UserFactory(role="Secretariat", country="CR")


@pytest.fixture(scope="session", autouse=True)
def s3_test_server():
    """With S3_TEST_SERVER=1, every test stores files in a real S3 API (moto's server, started here); else None
    and local folders (tests/storage_backends.py)."""
    from tests.storage_backends import s3_session

    with s3_session() as server:
        yield server


@pytest.fixture(autouse=True)
def fresh_cache():
    """Pages, charts and figures are cached; every test starts and ends with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def celery_join_allowed(request):
    """Tests call .get() on eager results. Celery forbids that inside a worker through a process-wide flag: a test
    that leaves it set (something built a worker's pool in this process) is named in a warning, and the flag is
    cleared so the tests after it are not affected."""
    from celery._state import _set_task_join_will_block, task_join_will_block

    _set_task_join_will_block(False)
    yield
    if task_join_will_block():
        import warnings

        warnings.warn(f"{request.node.nodeid} left Celery's task_join_will_block flag set", stacklevel=1)
        _set_task_join_will_block(False)


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_url():
    """A real Redis for broker tests: CELERY_BROKER_URL (CI) or the local default; skipped only outside CI."""
    import os

    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if not _redis_answers(url):
        if os.environ.get("CI"):
            pytest.fail(f"CI needs a Redis broker at {url}")
        pytest.skip(f"no Redis answers at {url}")
    return url


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Browser tests first among the transactional tests (pytest-django's later sort is stable): every
    transactional test flushes the tables at its end, and the browser journeys need the rows the data
    migrations create (root and home pages, locales, roles)."""
    items.sort(key=lambda item: "tests/browser/" not in str(item.fspath))
