"""A fixed-window request counter in the shared cache (Redis in production), for public lookups."""

from django.core.cache import cache


def client_ip(request) -> str:
    # Behind the proxy, REMOTE_ADDR is the proxy's; the proxy sets X-Forwarded-For (its last hop is trusted).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR", "")


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
