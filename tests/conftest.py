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


@pytest.fixture(autouse=True)
def fresh_cache():
    """Pages, charts and figures are cached; every test starts and ends with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
