"""Whole-response cache for anonymous visitors of public pages (home, catalogue, course outlines).

The check runs before Wagtail's routing (`cached_serve` wraps `wagtail.views.serve`), so a hit costs one cache
round trip and no database query. Pages opt in: their `serve` marks the response with `mark_cacheable`, and only
marked 200 responses that set no cookie are stored; pages that answer differently per visitor (lessons,
restricted courses) never are.

Entries carry a site-wide generation number that every publish, unpublish, move or delete of a page, every change
of page privacy and every change to reference data shown on pages increments, so a cached page is never
served after a trainer publishes. (wagtail-cache, the usual library for this, does not support Wagtail 8.)

Only safe with a cache shared by every web process (Redis in production: CACHE_URL), so it is off unless
PAGE_CACHE_ENABLED is true.

Signed-in visitors get no cached page, but their page's *route* is remembered (the same generation rule): Wagtail
otherwise walks the tree one level at a time, two queries a level, about half the cost of a lesson page
(bench/load.py). The page itself is still loaded, checked live and served fresh on every request, and Wagtail's
privacy hooks still run.
"""

import hashlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse

GENERATION_KEY = "pagecache:generation"
_MARK = "_campus_page_cacheable"
# The query parameters cacheable pages read (catalogue and seminar filters, page number). An address with any
# other parameter, a repeated one, a free-text search or a long query is answered fresh and not stored: otherwise
# every made-up address would add an entry, and the stored page's links (which repeat the query) would hand one
# visitor's parameters to the next.
CACHED_QUERY_PARAMS = frozenset({"line", "topic", "language", "modality", "hours", "page", "country", "month"})
MAX_QUERY_LENGTH = 200


def generation(generation_key: str = GENERATION_KEY) -> int:
    value = cache.get(generation_key)
    if value is None:
        cache.add(generation_key, 1, timeout=None)
        value = cache.get(generation_key, 1)
    return value


def invalidate(generation_key: str = GENERATION_KEY, **kwargs) -> None:
    """Make every cached page stale (or whatever else is stored under `generation_key`); a signal receiver."""
    try:
        cache.incr(generation_key)
    except ValueError:  # no generation yet: nothing is cached under one either
        cache.add(generation_key, 1, timeout=None)


def mark_cacheable(response):
    """Called by a page's serve(): this response is the same for every anonymous visitor."""
    setattr(response, _MARK, True)
    return response


def _cacheable(request) -> bool:
    return (
        getattr(settings, "PAGE_CACHE_ENABLED", False)
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and len(get_messages(request)) == 0
    )


def page_key(request) -> str | None:
    """The cache entry for this address, or None when the address is not one to store (see CACHED_QUERY_PARAMS)."""
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_LENGTH:
        return None
    for name, values in request.GET.lists():
        if name not in CACHED_QUERY_PARAMS or len(values) > 1:
            return None
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"pagecache:page:{digest}"


ROUTE_TIMEOUT = 600


def _route_key(request, path: str) -> str:
    from django.utils import translation

    where = f"{request.get_host()}|{translation.get_language()}|{path}"
    return "pagecache:route:v3:" + hashlib.sha256(where.encode()).hexdigest()


def generation_get(key: str, generation_key: str = GENERATION_KEY) -> tuple[int, object]:
    """One round trip: the current generation and what `key` holds for it (None if nothing, or if it was stored
    under an older generation: something was published since)."""
    found = cache.get_many([generation_key, key])
    current = found.get(generation_key)
    if current is None:
        current = generation(generation_key)
    entry = found.get(key)
    return current, entry[1] if entry is not None and entry[0] == current else None


def generation_set(key: str, current: int, value, timeout: int) -> None:
    """Store `value` under `key` for generation `current` (read before computing it, so a publish in between
    makes it stale rather than wrong)."""
    cache.set(key, (current, value), timeout)


def generation_cached(key: str, compute, timeout: int = ROUTE_TIMEOUT, generation_key: str = GENERATION_KEY):
    """`compute()`, worked out once per generation and shared by every web process until the next publish, move,
    delete or privacy change (with the default `generation_key`: values that depend only on published pages and
    the reference data listed in courses/signals.py). Computed every time when the page cache is off, which it is
    without a cache shared by all processes."""
    if not getattr(settings, "PAGE_CACHE_ENABLED", False):
        return compute()
    current, value = generation_get(key, generation_key)
    if value is None:
        value = compute()
        generation_set(key, current, value, timeout)
    return value


def _route_from_cache(request, path: str) -> tuple[str, int] | None:
    """Give Wagtail the page (and site) this address routed to last time, if nothing was published since; else the
    key and generation to remember the route under.

    The page itself is kept, not only its id: what a page shows changes only when it is published, unpublished,
    moved or deleted, and each of those starts a new generation (the rule the anonymous page cache already relies
    on). Each request unpickles its own copy, so nothing one request sets on it reaches another."""
    key = _route_key(request, path)
    current, route = generation_get(key)
    if route is not None:
        from wagtail.url_routing import RouteResult

        page, site = route
        request._wagtail_route_for_request = RouteResult(page)
        # Where Site.find_for_request() looks first: the site this host matched (sites change the generation).
        request._wagtail_site = site
        return None
    return key, current


def _route_remember(request, key: str, current: int) -> None:
    from wagtail.models import Site

    result = getattr(request, "_wagtail_route_for_request", None)
    if result is not None and not result.args and not result.kwargs and result.page.live:
        # A fresh copy from the database: the served instance carries what its request set on it (the reader's
        # enrolment, cached properties).
        page = type(result.page).objects.filter(pk=result.page.pk, live=True).first()
        if page is not None:
            generation_set(key, current, (page, Site.find_for_request(request)), ROUTE_TIMEOUT)


def cached_serve(request, path):
    """Wagtail's page view, answered from the cache for anonymous visitors when the page allows it."""
    from wagtail.views import serve as wagtail_serve  # needs the app registry, so not at import time

    key = page_key(request) if _cacheable(request) else None
    if key is None:
        if not getattr(settings, "PAGE_CACHE_ENABLED", False) or request.method not in ("GET", "HEAD"):
            return wagtail_serve(request, path)
        unknown = _route_from_cache(request, path)
        response = wagtail_serve(request, path)
        if unknown is not None:
            _route_remember(request, *unknown)
        return response
    current, stored = generation_get(key)
    if stored is not None:
        return HttpResponse(stored[0], content_type=stored[1])
    response = wagtail_serve(request, path)
    if getattr(response, _MARK, False) and response.status_code == 200 and not response.cookies:
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        generation_set(key, current, (response.content, response["Content-Type"]), settings.PAGE_CACHE_TIMEOUT)
    return response
