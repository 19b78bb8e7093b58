"""Redis as the cache (CACHE_URL=redis://... in production) down: requests must still be answered.

Django's RedisCache raises redis's errors into the request; core.cache.DegradingRedisCache answers as an empty
cache instead, and stops asking a dead Redis for a few seconds after each failure.
"""

import time

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from core import cache as degrading
from tests.faults.helpers import closed_port

pytestmark = pytest.mark.django_db

DJANGO_REDIS = "django.core.cache.backends.redis.RedisCache"
DEGRADING = "core.cache.DegradingRedisCache"


def _cache_at(settings, backend: str, location: str):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": location, "KEY_PREFIX": "faults"}}


@pytest.fixture
def fresh_cache():
    """Overrides the suite's autouse fixture, which clears the (here unreachable) cache around each test."""


def _visit(client, learner):
    """A visitor's round: the course catalogue (page cache), a failed login (allauth rate limits in the
    cache), a certificate lookup (core.ratelimit) and a signed-in page."""
    from courses.models import CatalogPage

    catalogue = CatalogPage.objects.live().filter(locale__language_code="es").first()
    return [
        client.get(catalogue.url).status_code,
        client.post(reverse("account_login"), {"login": learner.email, "password": "wrong-password"}).status_code,
        client.get(reverse("certificates:verify", args=("ABCD-EFGH-JKLM",)), follow=True).status_code,
        client.post(reverse("account_login"), {"login": learner.email, "password": "correct horse 42"}).status_code,
    ]


@pytest.fixture
def learner_with_password(db):
    from tests.factories import UserFactory

    user = UserFactory(country="GT")
    user.set_password("correct horse 42")
    user.save()
    user.emailaddress_set.update_or_create(email=user.email, defaults={"verified": True, "primary": True})
    return user


def test_django_redis_cache_down_fails_requests(client, settings, catalog, learner_with_password):
    """What production does today with Redis down: the catalogue answers 500 (the test client re-raises)."""
    _cache_at(settings, DJANGO_REDIS, f"redis://127.0.0.1:{closed_port()}/0")
    with pytest.raises(redis.ConnectionError):
        _visit(client, learner_with_password)


def test_degrading_cache_down_serves_every_request(client, settings, catalog, learner_with_password):
    _cache_at(settings, DEGRADING, f"redis://127.0.0.1:{closed_port()}/0")
    started = time.monotonic()
    statuses = _visit(client, learner_with_password)
    assert statuses == [200, 200, 404, 302]
    assert time.monotonic() - started < 5


def test_a_hung_cache_costs_one_timeout_then_nothing(settings, silent_server):
    """A Redis that accepts connections and never answers: the first call waits its socket timeout (1 s), the
    following ones do not ask it again for RETRY_AFTER seconds."""
    _cache_at(settings, DEGRADING, f"redis://127.0.0.1:{silent_server.port}/0")
    started = time.monotonic()
    assert cache.get("a", "miss") == "miss"
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(50):
        assert cache.get_or_set("b", 7) == 7
    rest = time.monotonic() - started
    assert first < 3 and rest < 0.2, (first, rest)
    assert cache.add("lock", 1) is True  # "free": allauth's cache lock must not spin for its whole second
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_degrading_cache_works_as_a_cache_and_comes_back(settings, redis_url, monkeypatch):
    """Against a live Redis it is Django's RedisCache; after an outage it uses Redis again once RETRY_AFTER
    has passed."""
    _cache_at(settings, DEGRADING, redis_url)
    cache.delete_many(["k", "n"])
    cache.set("k", {"v": 1})
    assert cache.get("k") == {"v": 1}
    assert cache.add("n", 1) is True and cache.add("n", 1) is False
    assert cache.incr("n") == 2

    client = cache._cache
    monkeypatch.setattr(degrading, "RETRY_AFTER", 0.3)
    real_get = degrading.RedisCacheClient.get
    monkeypatch.setattr(degrading.RedisCacheClient, "get", lambda *a: (_ for _ in ()).throw(redis.ConnectionError()))
    assert cache.get("k") is None  # Redis "down": a miss
    monkeypatch.setattr(degrading.RedisCacheClient, "get", real_get)
    assert cache.get("k") is None  # still within RETRY_AFTER: not asked
    time.sleep(0.35)
    assert cache.get("k") == {"v": 1}
    assert client is cache._cache
    cache.delete_many(["k", "n"])
