"""A Redis cache that turns an unreachable Redis into cache misses instead of failed requests.

Django's RedisCache raises redis's errors to the caller, so with Redis down every page that reads the cache
(the page cache, navigation, allauth's and the certificate lookup's rate limits) answered 500
(tests/faults/test_cache_down.py). Here every operation behaves as on an empty cache whose writes vanish: get
misses, add "succeeds", incr finds no key (ValueError, as Django's own backends do). After a failure Redis is not
asked again for RETRY_AFTER seconds, so an outage costs one timeout per process, not one per call.

What degrades while Redis is down: pages are rendered every time, rate-limit counters start from zero and a TOTP
code could be replayed within its window (allauth remembers used codes in the cache); a page published during the
outage can be served stale from Redis for up to PAGE_CACHE_TIMEOUT once it is back (the invalidation was lost).
django-redis's IGNORE_EXCEPTIONS does the first part but is a further dependency and asks the dead server again
on every call.
"""

import logging
import time

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

RETRY_AFTER = 10.0  # seconds without asking Redis after a failure


def _raise_missing(key, delta):
    raise ValueError(f"Key '{key}' not found.")


# What each operation answers while Redis is unreachable: the answer of an empty cache.
_DOWN = {
    "add": lambda key, value, timeout: True,
    "get": lambda key, default: default,
    "set": lambda key, value, timeout: None,
    "touch": lambda key, timeout: False,
    "delete": lambda key: False,
    "get_many": lambda keys: {},
    "has_key": lambda key: False,
    "incr": _raise_missing,
    "set_many": lambda data, timeout: None,
    "delete_many": lambda keys: None,
    "clear": lambda: False,
}


def _guarded(name: str, fallback):
    def operation(self, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback(*args, **kwargs)
        try:
            return getattr(RedisCacheClient, name)(self, *args, **kwargs)
        except redis.RedisError as error:
            self._down_until = time.monotonic() + RETRY_AFTER
            logger.warning("Redis cache unreachable (%s); serving without it for %.0f s", error, RETRY_AFTER)
            return fallback(*args, **kwargs)

    operation.__name__ = name
    return operation


class DegradingRedisCacheClient(RedisCacheClient):
    """RedisCacheClient whose operations answer as `_DOWN` says on a Redis error, and for a while after it."""

    def __init__(self, servers, **options):
        # Without these redis-py waits 5 s (its defaults) for a host that does not answer.
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        super().__init__(servers, **options)
        self._down_until = 0.0
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        """One redis.Redis per connection pool, made once: Django builds a new one for every call, and each build
        sets up its table of ~170 response callbacks again (about a tenth of a millisecond; nine times a lesson
        page). The client is thread-safe: connections come from the pool per command."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


for _name, _fallback in _DOWN.items():
    setattr(DegradingRedisCacheClient, _name, _guarded(_name, _fallback))


class DegradingRedisCache(RedisCache):
    """Django's RedisCache, but a Redis outage is a cache miss (see the module docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = DegradingRedisCacheClient
