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


_MIGRATED_ROWS: list[str] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After creating the test database, keep a copy of what the migrations put in it (see migration_data)."""
    from django.db import connection

    with django_db_blocker.unblock():
        # Kept in the module, not on the connection: Playwright's event loop gives tests another connection object.
        _MIGRATED_ROWS.append(connection.creation.serialize_db_to_string())


@pytest.fixture
def migration_data(django_db_blocker):
    """Bring back the rows the migrations created (root and home pages, locales, roles, CRM data...) when an
    earlier transactional test flushed the tables; transactional tests that need them request this fixture."""
    from django.core.management import call_command
    from django.db import connection

    from home.models import HomePage

    with django_db_blocker.unblock():
        if not HomePage.objects.exists():
            # The flush re-created content types and permissions with new ids; start from empty tables.
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            connection.creation.deserialize_db_from_string(_MIGRATED_ROWS[-1])
