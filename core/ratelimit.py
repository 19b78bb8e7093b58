"""A fixed-window request counter in the shared cache (Redis in production), for public lookups."""

from django.core.cache import cache


def client_ip(request) -> str:
    """The visitor's address as allauth's sign-in limits see it: behind ALLAUTH_TRUSTED_PROXY_COUNT proxies, the
    X-Forwarded-For entry the outermost trusted proxy added (earlier entries are the client's to invent)."""
    from allauth.account.adapter import get_adapter

    return get_adapter(request).get_client_ip(request)


def rate_limited(scope: str, key: str, *, limit: int, seconds: int) -> bool:
    """Count one hit for `key`; True when it is over `limit` hits in the current window of `seconds`."""
    name = f"ratelimit:{scope}:{key}"
    if cache.add(name, 1, seconds):
        return limit < 1
    try:
        return cache.incr(name) > limit
    except ValueError:  # expired between add and incr
        cache.add(name, 1, seconds)
        return False
